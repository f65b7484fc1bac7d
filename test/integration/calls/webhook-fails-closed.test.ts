import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callDecisionReasons } from '../../../domain/calls.js';
import { startCallStack, type CallStack } from '../../support/call-stack.js';

/**
 * A customer webhook that does not give a decision (5xx, a redirect, a body that is not one of the
 * three answers, no signing key): the whole stack rejects the call and the row ends `failed` +
 * `rejected`, with the reason for operators in `decision_reason`.
 */

let stack: CallStack;

beforeAll(async () => {
  stack = await startCallStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Rings the number, then waits for the sandbox to see the call end and the row to settle. */
const ringUntilSettled = async (to: string) => stack.ended((await stack.ring(to)).call_control_id);

describe('a customer webhook that gives no decision', () => {
  test.each([
    ['answers 503', '/503', { status: 503, body: { detail: 'down for maintenance' } }, callDecisionReasons.webhookNon2xx],
    ['answers 500 with an answer-shaped body', '/500', { status: 500, body: { action: 'answer' } }, callDecisionReasons.webhookNon2xx],
    ['answers 404', '/404', { status: 404, body: { detail: 'no such hook' } }, callDecisionReasons.webhookNon2xx],
    ['answers plain text', '/text', { status: 200, body: 'OK' }, callDecisionReasons.webhookBadBody],
    ['answers an action it does not know', '/dance', { status: 200, body: { action: 'dance' } }, callDecisionReasons.webhookBadBody],
    ['answers an empty body', '/empty', { status: 200 }, callDecisionReasons.webhookBadBody],
    ['answers a JSON array', '/array', { status: 200, body: [{ action: 'answer' }] }, callDecisionReasons.webhookBadBody],
    ['answers with an ws:// (not wss://) stream URL', '/ws', { status: 200, body: { action: 'answer', client_websocket_url: 'ws://127.0.0.1:1/x' } }, callDecisionReasons.webhookBadBody],
  ] as const)('when it %s, then the call is rejected and its row is failed + rejected', async (_name, path, reply, reason) => {
    const url = stack.customers.answerOn(`/fails${path}`, reply);
    const org = await stack.organizationWithWebhook(url);

    const { call, row } = await ringUntilSettled(org.number.number);

    expect(stack.customers.receivedOn(`/fails${path}`)).toHaveLength(1);
    expect(call.commands.map((command) => [command.action, command.body.cause, command.outcome])).toEqual([['reject', 'CALL_REJECTED', 'applied']]);
    expect(call).toMatchObject({ hangup_cause: 'call_rejected', hangup_source: 'callee' });
    expect(row).toMatchObject({ status: 'failed', hangup_reason: 'rejected', decision_reason: reason, started_at: null, client_websocket_url: null });
    expect(row.ended_at).toBeInstanceOf(Date);
    const api = await org.call('GET', `/api/v1/phone/calls/${row.id}`);
    expect(api.body).toMatchObject({ id: row.id, status: 'failed', hangup_reason: 'rejected', local_phone_number: org.number.number });
  });

  test('when it redirects to a path that would answer, then the redirect is not followed and the call is rejected', async () => {
    const target = stack.customers.answerOn('/redirect/target', { body: { action: 'answer' } });
    const url = stack.customers.answerOn('/redirect/from', { status: 307, headers: { location: target } });
    const org = await stack.organizationWithWebhook(url);

    const { call, row } = await ringUntilSettled(org.number.number);

    expect(stack.customers.receivedOn('/redirect/from')).toHaveLength(1);
    expect(stack.customers.receivedOn('/redirect/target')).toHaveLength(0);
    expect(call.commands.map((command) => command.action)).toEqual(['reject']);
    expect(row).toMatchObject({ status: 'failed', hangup_reason: 'rejected', decision_reason: callDecisionReasons.webhookRedirect });
  });

  test('when its answer is a valid decision padded past the 64 KiB cap, then the call is rejected as failed, not as the customer chose', async () => {
    const url = stack.customers.answerOn('/huge', { status: 200, body: `{"action": "reject"}${' '.repeat(200_000)}` });
    const org = await stack.organizationWithWebhook(url);

    const { call, row } = await ringUntilSettled(org.number.number);

    expect(call.commands.map((command) => command.action)).toEqual(['reject']);
    expect(row).toMatchObject({ status: 'failed', hangup_reason: 'rejected', decision_reason: callDecisionReasons.webhookBadBody });
  });

  test('when the identity has no signing key, then nothing is sent to the customer and the call is rejected', async () => {
    const url = stack.customers.answerOn('/unsigned', { body: { action: 'answer' } });
    const org = await stack.organizationWithWebhook(url, {}, { signingKey: false });

    const { call, row } = await ringUntilSettled(org.number.number);

    expect(stack.customers.receivedOn('/unsigned')).toHaveLength(0);
    expect(call.commands.map((command) => command.action)).toEqual(['reject']);
    expect(row).toMatchObject({ status: 'failed', hangup_reason: 'rejected', decision_reason: callDecisionReasons.signingKeyMissing });
  });
});
