import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callDecisionReasons } from '../../../domain/calls.js';
import { workflowIds } from '../../../domain/workflow-contract.js';
import { startCallStack, type CallStack } from '../../support/call-stack.js';
import type { CustomerReply, ReceivedRequest } from '../../support/customer-call-receiver.js';
import { inkboxPython, verifyWithInkboxSdk } from '../../support/inkbox-python.js';
import { waitFor } from '../../support/workflow-harness.js';
import { recordCallHistory } from '../workflows/incoming-call-events.js';

/**
 * `webhook` through the whole stack: the worker POSTs the ringing call, signed with the identity's key,
 * to the customer's receiver (HTTPS on loopback, development mode) and does what it answers. The
 * signature is checked by the official Inkbox Python SDK's `verify_webhook`. The `ignore` scenario
 * records its workflow history for test/integration/workflows/replay.test.ts (RECORD_HISTORIES=1).
 */

let stack: CallStack;
let python: string;

beforeAll(async () => {
  python = await inkboxPython();
  stack = await startCallStack();
}, 300_000);
afterAll(async () => {
  await stack?.close();
});

/** An organization whose `agent` has a signing key (`signingKey`) and a number asking the receiver at `path`, which answers `reply`. */
const webhookNumber = (path: string, reply: CustomerReply, numberStreamUrl: string | null = null) =>
  stack.organizationWithWebhook(stack.customers.answerOn(path, reply), { client_websocket_url: numberStreamUrl });

/** Rings the number and waits until the call streams (resolved) and its row reads answered. */
async function ringUntilStreaming(to: string, from?: string) {
  const { call_control_id: callControlId } = await stack.ring(to, from);
  const stream = await stack.media.connectionFor(callControlId, 30_000);
  return { callControlId, stream, row: await stack.answeredRow(callControlId) };
}

describe('the incoming-call webhook', () => {
  test('when a webhook number is called, then the customer gets the flat Inkbox payload of the ringing call, signed', async () => {
    const org = await webhookNumber('/payload', { body: { action: 'reject' } }, `${stack.media.url}/numbers-own`);
    const from = '+12125550123';

    const { call_control_id: callControlId } = await stack.ring(org.number.number, from);
    const row = await stack.settledRow(callControlId);

    const [delivery] = stack.customers.receivedOn('/payload') as [ReceivedRequest];
    expect(stack.customers.receivedOn('/payload')).toHaveLength(1);
    expect(JSON.parse(delivery.body)).toEqual({
      id: row.id,
      phone_number_id: org.number.id,
      local_phone_number: org.number.number,
      remote_phone_number: from,
      direction: 'inbound',
      status: 'ringing',
      client_websocket_url: `${stack.media.url}/numbers-own`,
      use_inkbox_tts: null,
      use_inkbox_stt: null,
      hangup_reason: null,
      started_at: null,
      ended_at: null,
      created_at: row.created_at.toISOString(),
      updated_at: expect.any(String),
      rate_limit: null,
      contacts: [],
      agent_identities: [],
    });
    expect(delivery.headers['content-type']).toMatch(/^application\/json/);
    expect(delivery.headers['x-inkbox-request-id']).toEqual(expect.any(String));
    expect(Number(delivery.headers['x-inkbox-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 300);
    expect(delivery.headers['x-inkbox-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  test('when the caller is another identity\'s number of the same organization, then agent_identities names that identity', async () => {
    const url = stack.customers.answerOn('/colleague', { body: { action: 'reject' } });
    const org = await stack.organizationWithNumber({ incoming_call_action: 'webhook', incoming_call_webhook_url: url }, ['agent', 'colleague']);
    expect((await org.call('POST', '/api/v1/identities/agent/signing-key')).status).toBe(200);
    const [agent, colleague] = org.numbers as [(typeof org.numbers)[0], (typeof org.numbers)[0]];
    const colleagueIdentity = await stack.api.db
      .selectFrom('identities')
      .select('id')
      .where('organization_id', '=', org.organizationId)
      .where('agent_handle', '=', 'colleague')
      .executeTakeFirstOrThrow();

    const { call_control_id: callControlId } = await stack.ring(agent.number, colleague.number);
    await stack.settledRow(callControlId);

    const [delivery] = stack.customers.receivedOn('/colleague') as [ReceivedRequest];
    expect(JSON.parse(delivery.body)).toMatchObject({
      remote_phone_number: colleague.number,
      agent_identities: [{ id: colleagueIdentity.id, agent_handle: 'colleague', display_name: null }],
    });
  });

  test('when the official Inkbox Python SDK checks the delivery with the key from POST /identities/{handle}/signing-key, then verify_webhook accepts it, and refuses it altered or under another key', async () => {
    const org = await webhookNumber('/signed', { body: { action: 'reject' } });
    const signingKey = org.signingKey!;
    expect(signingKey).toMatch(/^whsec_/);
    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    await stack.settledRow(callControlId);
    const [delivery] = stack.customers.receivedOn('/signed') as [ReceivedRequest];
    const rotated = await org.call('POST', '/api/v1/identities/agent/signing-key');

    const result = await verifyWithInkboxSdk(python, [
      { payload: delivery.body, headers: delivery.headers, secret: signingKey },
      { payload: delivery.body.replace('"ringing"', '"answered"'), headers: delivery.headers, secret: signingKey },
      { payload: delivery.body, headers: { ...delivery.headers, 'x-inkbox-request-id': 'another' }, secret: signingKey },
      { payload: delivery.body, headers: delivery.headers, secret: rotated.body.signing_key },
    ]);

    expect(result.sdkVersion).toMatch(/^0\.7\./);
    // As sent; the body altered; the request id altered; as sent, under the rotated key.
    expect(result.verified).toEqual([true, false, false, false]);
  });

  test('when the key is rotated, then the next call is signed with the new key only', async () => {
    const org = await webhookNumber('/rotated', { body: { action: 'reject' } });
    const first = org.signingKey!;
    const second = (await org.call('POST', '/api/v1/identities/agent/signing-key')).body.signing_key as string;

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    await stack.settledRow(callControlId);
    const [delivery] = stack.customers.receivedOn('/rotated') as [ReceivedRequest];

    const { verified } = await verifyWithInkboxSdk(python, [first, second].map((secret) => ({ payload: delivery.body, headers: delivery.headers, secret })));
    expect(verified).toEqual([false, true]);
  });
});

describe('what the customer answers', () => {
  test('when it answers "answer" without a URL, then the call streams to the number\'s own client_websocket_url', async () => {
    const own = `${stack.media.url}/webhook-answer/own`;
    const org = await webhookNumber('/answer', { body: { action: 'answer' } }, own);

    const { callControlId, stream, row } = await ringUntilStreaming(org.number.number);

    expect(stream.path).toBe('/media/webhook-answer/own');
    const call = await stack.sandboxCall(callControlId);
    expect(call.commands.map((command) => [command.action, command.body.stream_url])).toEqual([['answer', own]]);
    expect(row).toMatchObject({ client_websocket_url: own, decision_reason: callDecisionReasons.webhookAnswer });
    await stream.waitForEvents('media', 5, 30_000);

    await stack.callerHangsUp(callControlId);
    expect(await stack.settledRow(callControlId)).toMatchObject({ status: 'completed', hangup_reason: 'remote' });
  });

  test('when it answers "answer" with a client_websocket_url, then the call streams there instead of the number\'s URL', async () => {
    const chosen = `${stack.media.url}/webhook-answer/chosen`;
    const org = await webhookNumber('/answer-url', { body: { action: 'answer', client_websocket_url: chosen } }, `${stack.media.url}/webhook-answer/not-this`);
    const from = '+12125550166';

    const { callControlId, stream, row } = await ringUntilStreaming(org.number.number, from);

    expect(stack.customers.receivedOn('/answer-url')).toHaveLength(1);
    expect(JSON.parse(stack.customers.receivedOn('/answer-url')[0]!.body)).toMatchObject({ id: row.id, remote_phone_number: from, local_phone_number: org.number.number });
    expect(stream.path).toBe('/media/webhook-answer/chosen');
    expect((await stack.sandboxCall(callControlId)).commands.map((command) => [command.action, command.body.stream_url])).toEqual([['answer', chosen]]);
    expect(row).toMatchObject({ client_websocket_url: chosen, decision_reason: callDecisionReasons.webhookAnswer });
    expect((await org.call('GET', `/api/v1/phone/calls/${row.id}`)).body.client_websocket_url).toBe(chosen);

    const hungUp = await org.call('POST', `/api/v1/phone/calls/${row.id}/hangup`);
    expect(hungUp.status).toBe(200);
    expect(await stack.settledRow(callControlId)).toMatchObject({ status: 'completed', hangup_reason: 'local' });
  });

  test('when it answers "reject", then the call is rejected and the row is canceled + rejected (the customer chose it)', async () => {
    const org = await webhookNumber('/reject', { body: { action: 'reject' } });

    const { call, row } = await stack.ended((await stack.ring(org.number.number)).call_control_id);

    expect(call.commands.map((command) => [command.action, command.body.cause, command.outcome])).toEqual([['reject', 'CALL_REJECTED', 'applied']]);
    expect(row).toMatchObject({ status: 'canceled', hangup_reason: 'rejected', decision_reason: callDecisionReasons.webhookReject });
  });

  test('when it answers "ignore", then nothing is sent to the carrier, the call rings on, and when the caller gives up the row is canceled + remote', async () => {
    const org = await webhookNumber('/ignore', { body: { action: 'ignore' } });

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const ringing = await waitFor(async () => {
      const current = await stack.callRow(callControlId);
      return current?.decision_reason === callDecisionReasons.webhookIgnore ? current : undefined;
    }, 'the ignore decision to be recorded');

    expect(ringing.status).toBe('ringing');
    expect((await org.call('GET', `/api/v1/phone/calls/${ringing.id}`)).body.status).toBe('ringing');
    expect(await stack.sandboxCall(callControlId)).toMatchObject({ state: 'parked', commands: [] });
    expect((await stack.progressOf(callControlId)).status).toBe('ringing');

    await stack.callerHangsUp(callControlId);
    const row = await stack.settledRow(callControlId);
    await stack.resultOf(callControlId);
    await recordCallHistory(stack.api.temporal, 'incoming-call-webhook-ignore', workflowIds.call(callControlId));

    expect(row).toMatchObject({ status: 'canceled', hangup_reason: 'remote', started_at: null, decision_reason: callDecisionReasons.webhookIgnore });
    const call = await stack.sandboxCall(callControlId);
    expect(call.commands).toEqual([]);
    expect(call).toMatchObject({ hangup_cause: 'originator_cancel', hangup_source: 'caller' });
  });
});
