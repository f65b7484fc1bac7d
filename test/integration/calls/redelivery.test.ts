import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { workflowIds } from '../../../domain/workflow-contract.js';
import { startCallStack, type CallStack } from '../../support/call-stack.js';
import { waitFor } from '../../support/workflow-harness.js';

/**
 * `call.initiated` delivered twice (Telnyx retries a delivery it thinks failed): the same signed bytes
 * reach the API again, at the same moment as the first, while the call is live, or after it ended.
 * There is one workflow execution, one call row and one decision command either way.
 */

let stack: CallStack;

beforeAll(async () => {
  stack = await startCallStack();
});
afterAll(async () => {
  await stack?.close();
});

const rowsOf = async (callControlId: string) =>
  stack.api.db.selectFrom('calls').selectAll().where('call_control_id', '=', callControlId).execute();

/** The executions visibility lists under the call's workflow id, once the one it must have is listed. */
const executionsOf = (callControlId: string) =>
  waitFor(async () => {
    const { count } = await stack.api.temporal.workflow.count(`WorkflowId = '${workflowIds.call(callControlId)}'`);
    return count > 0 ? count : undefined;
  }, 'the execution to be listed');

const initiatedOf = (callControlId: string) =>
  stack.deliveries.filter((delivery) => delivery.eventType === 'call.initiated' && delivery.callControlId === callControlId);

describe('call.initiated delivered twice', () => {
  test('when the carrier delivers it twice at once from the start, then both are acknowledged and the call has one execution, one row and one answer', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: `${stack.media.url}/twice-at-once` });
    const undo = stack.deliverTwice('call.initiated');
    let callControlId: string;
    try {
      ({ call_control_id: callControlId } = await stack.ring(org.number.number));
      await waitFor(async () => initiatedOf(callControlId).length === 2, 'both deliveries to be answered');
    } finally {
      undo();
    }
    await stack.answeredRow(callControlId);

    expect(initiatedOf(callControlId).map((delivery) => delivery.apiStatus)).toEqual([200, 200]);
    expect(await rowsOf(callControlId)).toHaveLength(1);
    expect((await stack.sandboxCall(callControlId)).commands.map((command) => [command.action, command.outcome])).toEqual([['answer', 'applied']]);
    expect(stack.media.connections.filter((connection) => connection.callControlId === callControlId)).toHaveLength(1);

    await stack.callerHangsUp(callControlId);
    expect(await stack.settledRow(callControlId)).toMatchObject({ status: 'completed', hangup_reason: 'remote' });
    expect(await executionsOf(callControlId)).toBe(1);
  });

  test('when it is delivered again byte for byte while the call is live, twice at once, then the redeliveries join the running execution', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: `${stack.media.url}/redelivered-live` });
    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const answered = await stack.answeredRow(callControlId);
    const [first] = initiatedOf(callControlId);
    const before = await stack.workflowOf(callControlId).describe();

    const redelivered = await Promise.all([stack.redeliver(first!), stack.redeliver(first!)]);

    expect(redelivered.map((response) => response.status)).toEqual([200, 200]);
    const after = await stack.workflowOf(callControlId).describe();
    expect([after.runId, after.status.name]).toEqual([before.runId, 'RUNNING']);
    expect(await rowsOf(callControlId)).toEqual([answered]);
    expect((await stack.sandboxCall(callControlId)).commands.map((command) => command.action)).toEqual(['answer']);

    await stack.callerHangsUp(callControlId);
    expect(await stack.settledRow(callControlId)).toMatchObject({ id: answered.id, status: 'completed', hangup_reason: 'remote' });
    expect(await executionsOf(callControlId)).toBe(1);
  });

  test('when it is delivered again after the call ended, then no execution starts and the row stays as it ended', async () => {
    const org = await stack.organizationWithNumber();
    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const ended = await stack.settledRow(callControlId);
    await stack.workflowOf(callControlId).result();
    const before = await stack.workflowOf(callControlId).describe();

    const redelivered = await stack.redeliver(initiatedOf(callControlId)[0]!);

    expect(redelivered.status).toBe(200);
    const after = await stack.workflowOf(callControlId).describe();
    expect([after.runId, after.status.name]).toEqual([before.runId, 'COMPLETED']);
    expect(await rowsOf(callControlId)).toEqual([ended]);
    expect((await stack.sandboxCall(callControlId)).commands.map((command) => command.action)).toEqual(['reject']);
    expect(await executionsOf(callControlId)).toBe(1);
  });
});
