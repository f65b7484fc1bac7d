import { afterAll, beforeAll, expect, test } from 'vitest';
import { callDecisionReasons } from '../../../domain/calls.js';
import { startCallStack, type CallStack } from '../../support/call-stack.js';

/**
 * A customer webhook slower than CALL_WEBHOOK_TIMEOUT_MS (set small here, the worker's only) is given up
 * on and the call rejected: the row ends `failed` + `rejected`, `webhook_timeout`.
 */

let stack: CallStack;

beforeAll(async () => {
  stack = await startCallStack({ workerConfig: { CALL_WEBHOOK_TIMEOUT_MS: 1_000 } });
});
afterAll(async () => {
  await stack?.close();
});

test('when the customer webhook never answers, then after CALL_WEBHOOK_TIMEOUT_MS the call is rejected and its row is failed + rejected', async () => {
  const url = stack.customers.answerOn('/slow', 'hang');
  const org = await stack.organizationWithWebhook(url);

  const { call_control_id: callControlId } = await stack.ring(org.number.number);
  const { call, row } = await stack.ended(callControlId);

  expect(stack.customers.receivedOn('/slow')).toHaveLength(1);
  expect(call.commands.map((command) => [command.action, command.body.cause, command.outcome])).toEqual([['reject', 'CALL_REJECTED', 'applied']]);
  expect(row).toMatchObject({ status: 'failed', hangup_reason: 'rejected', decision_reason: callDecisionReasons.webhookTimeout, started_at: null });
  const progress = await stack.resultOf(callControlId);
  expect(progress).toMatchObject({ callId: row.id, status: 'failed', decisionReason: callDecisionReasons.webhookTimeout });
});
