import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CallProgress } from '../../../domain/calls.js';
import { workflowIds } from '../../../domain/workflow-contract.js';
import { startCallStack, type CallStack, type SandboxCall } from '../../support/call-stack.js';
import { startMediaStreamServer, type MediaStreamServer } from '../../support/media-stream-server.js';
import { waitFor } from '../../support/workflow-harness.js';
import { recordCallHistory } from './incoming-call-events.js';

/**
 * Each incoming_call_action through the whole stack: the sandbox rings a number provisioned through the
 * API, its signed events reach the route, `handleIncomingCall` runs on a worker, and the sandbox records
 * the Call Control commands it received.
 */

let stack: CallStack;
let media: MediaStreamServer;

beforeAll(async () => {
  stack = await startCallStack();
  await stack.startWorker();
  media = await startMediaStreamServer();
});
afterAll(async () => {
  await media?.close();
  await stack?.close();
});

const commandsOf = (call: SandboxCall) => call.commands.map((command) => [command.action, command.outcome]);
/** How the call's workflow ended, once the sandbox's call.initiated has started it. */
async function resultOf(callControlId: string): Promise<CallProgress> {
  await waitFor(() => stack.workflowOf(callControlId).describe(), 'the call workflow to start');
  return (await stack.workflowOf(callControlId).result()) as CallProgress;
}
const decoded = (clientState: unknown) => JSON.parse(Buffer.from(String(clientState), 'base64').toString('utf8')) as unknown;

/** Rings the number and waits until the sandbox has the call answered with its stream up, and the row says answered. */
async function ringAndAnswer(to: string) {
  const { call_control_id: callControlId } = await stack.ring(to);
  const call = await stack.sandboxCallWhen(callControlId, (each) => each.state === 'answered' && each.stream?.state === 'streaming', 'the call to be answered and streaming');
  const row = await waitFor(async () => {
    const found = await stack.callRow(callControlId);
    return found?.status === 'answered' ? found : undefined;
  }, 'the row to be answered');
  return { callControlId, call, row };
}

describe('incoming calls by action', () => {
  test('when an auto_reject number is called, then the call is rejected and its row is canceled + rejected', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_reject' });

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const outcome = await resultOf(callControlId);
    const call = await stack.sandboxCallWhen(callControlId, (each) => each.state === 'hangup', 'the call to end');
    const row = await stack.settledRow(callControlId);

    expect(call.commands.map((command) => [command.action, command.body.cause, command.command_id, command.outcome])).toEqual([
      ['reject', 'CALL_REJECTED', `${workflowIds.call(callControlId)}/reject`, 'applied'],
    ]);
    expect(call).toMatchObject({ hangup_cause: 'call_rejected', hangup_source: 'callee' });
    expect(row).toMatchObject({
      status: 'canceled',
      hangup_reason: 'rejected',
      decision_reason: 'auto_reject',
      incoming_call_action: 'auto_reject',
      local_phone_number: org.number.number,
      remote_phone_number: call.from,
      workflow_id: workflowIds.call(callControlId),
      started_at: null,
      client_websocket_url: null,
    });
    expect(row.ended_at).toBeInstanceOf(Date);
    expect(outcome).toEqual({ callId: row.id, status: 'canceled', decisionReason: 'auto_reject', streaming: 'none' });
  });

  test('when a paused number is called, then the call is rejected whatever its action', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: media.url });
    await stack.api.db.updateTable('phone_numbers').set({ status: 'paused' }).where('id', '=', org.number.id).execute();

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    await resultOf(callControlId);
    const call = await stack.sandboxCallWhen(callControlId, (each) => each.state === 'hangup', 'the call to end');

    expect(commandsOf(call)).toEqual([['reject', 'applied']]);
    expect(await stack.callRow(callControlId)).toMatchObject({ status: 'canceled', hangup_reason: 'rejected', decision_reason: 'number_paused' });
  });

  test('when a released number is called (the carrier still routes it), then the call is rejected and no row is written', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: media.url });
    await stack.api.db.updateTable('phone_numbers').set({ status: 'released' }).where('id', '=', org.number.id).execute();

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const outcome = await resultOf(callControlId);
    const call = await stack.sandboxCallWhen(callControlId, (each) => each.state === 'hangup', 'the call to end');

    expect(commandsOf(call)).toEqual([['reject', 'applied']]);
    expect(outcome).toMatchObject({ callId: null, decisionReason: 'number_unknown' });
    expect(await stack.callRow(callControlId)).toBeUndefined();
  });

  test('when an auto_accept number is called, then it is answered with streaming and the call context, and completes when the caller hangs up', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: media.url });

    const { callControlId, call, row } = await ringAndAnswer(org.number.number);
    const stream = await media.connectionFor(callControlId);
    await waitFor(async () => (await stack.progressOf(callControlId)).streaming === 'started', 'streaming.started to reach the workflow');
    await stack.callerHangsUp(callControlId);
    const outcome = await resultOf(callControlId);
    const settled = await stack.settledRow(callControlId);
    await recordCallHistory(stack.api.temporal, 'incoming-call-auto-accept', workflowIds.call(callControlId));

    expect(call.commands).toHaveLength(1);
    expect(call.commands[0]).toMatchObject({
      action: 'answer',
      outcome: 'applied',
      command_id: `${workflowIds.call(callControlId)}/answer`,
      body: { stream_url: media.url, stream_track: 'both_tracks', stream_bidirectional_mode: 'rtp', stream_bidirectional_codec: 'PCMU' },
    });
    const context = { call_id: row.id, local_phone_number: org.number.number, remote_phone_number: call.from, agent_handle: 'agent' };
    expect(decoded(call.commands[0]!.body.client_state)).toEqual(context);
    expect(decoded(stream.clientState)).toEqual(context);
    expect(row).toMatchObject({ decision_reason: 'auto_accept', client_websocket_url: media.url });
    expect(row.started_at).toBeInstanceOf(Date);
    expect(settled).toMatchObject({ status: 'completed', hangup_reason: 'remote', started_at: row.started_at });
    expect(settled.ended_at!.getTime()).toBeGreaterThanOrEqual(row.started_at!.getTime());
    expect(outcome).toEqual({ callId: row.id, status: 'completed', decisionReason: 'auto_accept', streaming: 'stopped' });
  });

  test('when the hangup API is called during an answered call, then the call is hung up and completes with hangup_reason local', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: media.url });
    const { callControlId, row } = await ringAndAnswer(org.number.number);

    const hangup = await org.call('POST', `/api/v1/phone/calls/${row.id}/hangup`);
    await resultOf(callControlId);
    const call = await stack.sandboxCallWhen(callControlId, (each) => each.state === 'hangup', 'the call to end');
    const settled = await stack.settledRow(callControlId);
    await recordCallHistory(stack.api.temporal, 'incoming-call-hangup-requested', workflowIds.call(callControlId));

    expect(hangup.status).toBe(200);
    expect(call.commands.map((command) => [command.action, command.command_id, command.outcome])).toEqual([
      ['answer', `${workflowIds.call(callControlId)}/answer`, 'applied'],
      ['hangup', `${workflowIds.call(callControlId)}/hangup`, 'applied'],
    ]);
    expect(call).toMatchObject({ hangup_source: 'callee', hangup_cause: 'normal_clearing' });
    expect(settled).toMatchObject({ status: 'completed', hangup_reason: 'local', decision_reason: 'auto_accept' });
    expect((await org.call('POST', `/api/v1/phone/calls/${row.id}/hangup`)).status).toBe(409);
  });
});

describe('incoming calls decided by the customer webhook', () => {
  /** An organization whose `agent` has a signing key and a number whose webhook answers `reply` on a path of its own. */
  async function webhookNumber(path: string, reply: Parameters<CallStack['customers']['answerOn']>[1]) {
    const org = await stack.organizationWithNumber({
      incoming_call_action: 'webhook',
      incoming_call_webhook_url: stack.customers.answerOn(path, reply),
      client_websocket_url: media.url,
    });
    expect((await org.call('POST', '/api/v1/identities/agent/signing-key')).status).toBe(200);
    return org;
  }

  test('when the webhook answers "answer" with a stream URL of its own, then the call streams there', async () => {
    const own = `${media.url}/customer-chosen`;
    const org = await webhookNumber('/decides/answer', { body: { action: 'answer', client_websocket_url: own } });

    const { callControlId, call, row } = await ringAndAnswer(org.number.number);
    const received = stack.customers.receivedOn('/decides/answer');
    await stack.callerHangsUp(callControlId);
    const settled = await stack.settledRow(callControlId);

    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ id: row.id, remote_phone_number: call.from, local_phone_number: org.number.number });
    expect(call.commands[0]).toMatchObject({ action: 'answer', body: { stream_url: own } });
    expect(row).toMatchObject({ decision_reason: 'webhook_answer', client_websocket_url: own });
    expect(settled).toMatchObject({ status: 'completed', hangup_reason: 'remote' });
  });

  test('when the webhook answers "answer" without a URL, then the call streams to the number\'s own', async () => {
    const org = await webhookNumber('/decides/answer-default', { body: { action: 'answer' } });

    const { callControlId, call, row } = await ringAndAnswer(org.number.number);
    await stack.callerHangsUp(callControlId);
    await stack.settledRow(callControlId);

    expect(call.commands[0]).toMatchObject({ action: 'answer', body: { stream_url: media.url } });
    expect(row).toMatchObject({ decision_reason: 'webhook_answer', client_websocket_url: media.url });
  });

  test('when the webhook answers "reject", then the call is rejected and its row is canceled + rejected', async () => {
    const org = await webhookNumber('/decides/reject', { body: { action: 'reject' } });

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const call = await stack.sandboxCallWhen(callControlId, (each) => each.state === 'hangup', 'the call to end');
    const row = await stack.settledRow(callControlId);

    expect(commandsOf(call)).toEqual([['reject', 'applied']]);
    expect(row).toMatchObject({ status: 'canceled', hangup_reason: 'rejected', decision_reason: 'webhook_reject' });
  });

  test('when the webhook answers "ignore", then no command is sent and the call rings until the caller gives up', async () => {
    const org = await webhookNumber('/decides/ignore', { body: { action: 'ignore' } });

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const ringing = await waitFor(async () => {
      const found = await stack.callRow(callControlId);
      return found?.decision_reason === 'webhook_ignore' ? found : undefined;
    }, 'the ignore decision on the row');
    await stack.callerHangsUp(callControlId);
    const settled = await stack.settledRow(callControlId);
    const call = await stack.sandboxCall(callControlId);
    await resultOf(callControlId);
    await recordCallHistory(stack.api.temporal, 'incoming-call-webhook-ignore', workflowIds.call(callControlId));

    expect(ringing.status).toBe('ringing');
    expect(call.commands).toEqual([]);
    expect(call).toMatchObject({ hangup_cause: 'originator_cancel', hangup_source: 'caller' });
    expect(settled).toMatchObject({ status: 'canceled', hangup_reason: 'remote', decision_reason: 'webhook_ignore', started_at: null });
  });

  test('when the webhook does not answer within CALL_WEBHOOK_TIMEOUT_MS, then the call is rejected and its row is failed + rejected', async () => {
    const org = await webhookNumber('/decides/hang', 'hang');

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const call = await stack.sandboxCallWhen(callControlId, (each) => each.state === 'hangup', 'the call to end');
    const row = await stack.settledRow(callControlId);

    expect(commandsOf(call)).toEqual([['reject', 'applied']]);
    expect(row).toMatchObject({ status: 'failed', hangup_reason: 'rejected', decision_reason: 'webhook_timeout' });
  });
});
