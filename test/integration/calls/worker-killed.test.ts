import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCallStack, type CallStack } from '../../support/call-stack.js';
import { waitFor } from '../../support/workflow-harness.js';

/**
 * The worker is `main/worker.ts` in a child process, SIGKILLed as a crashing machine would be. Call
 * events that arrive while no worker runs are signals Temporal keeps; the next worker carries on and
 * the call row ends right.
 */

let stack: CallStack;
let worker: ReturnType<CallStack['workerProcess']>;

/** Starts the worker child and waits until it polls (it bundles the workflows first). */
async function startWorker() {
  worker.child.start();
  const pid = worker.child.pid!;
  await waitFor(() => stack.polledBy(pid), `worker ${pid} to poll (log: ${worker.logFile})`, 180_000);
}

beforeAll(async () => {
  stack = await startCallStack({ worker: false });
  worker = stack.workerProcess();
  await startWorker();
}, 300_000);
afterAll(async () => {
  await stack?.close();
});

describe('the worker killed', () => {
  test('when it is killed during an answered call and the caller hangs up while none runs, then the next worker ends the call completed + remote', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: `${stack.media.url}/killed-mid-call` });
    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    await stack.media.connectionFor(callControlId, 30_000);
    const answered = await stack.answeredRow(callControlId);

    await worker.child.kill();
    await stack.callerHangsUp(callControlId);
    const hangup = await waitFor(
      async () => stack.deliveries.find((delivery) => delivery.eventType === 'call.hangup' && delivery.callControlId === callControlId),
      'call.hangup to reach the API',
    );
    expect(hangup.apiStatus).toBe(200);
    expect((await stack.callRow(callControlId))?.status).toBe('answered');

    await startWorker();
    const row = await stack.settledRow(callControlId, 120_000);

    expect(row).toMatchObject({ id: answered.id, status: 'completed', hangup_reason: 'remote' });
    expect(row.started_at).toEqual(answered.started_at);
    expect(row.ended_at).toBeInstanceOf(Date);
    expect((await stack.resultOf(callControlId)).status).toBe('completed');
    expect((await stack.sandboxCall(callControlId)).commands.map((command) => command.action)).toEqual(['answer']);
    expect((await org.call('GET', `/api/v1/phone/calls/${row.id}`)).body).toMatchObject({ status: 'completed', hangup_reason: 'remote' });
    expect(worker.child.unexpectedExits).toEqual([]);
  });

  test('when no worker runs while a call rings, then the call is decided once a worker is back, and ends right when the API hangs it up', async () => {
    await stack.api.control.configure({ call_ring_timeout_ms: 600_000 });
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: `${stack.media.url}/killed-before-ring` });
    await worker.child.kill();

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    await waitFor(
      async () => stack.deliveries.find((delivery) => delivery.eventType === 'call.initiated' && delivery.callControlId === callControlId),
      'call.initiated to reach the API',
    );
    expect((await stack.workflowOf(callControlId).describe()).status.name).toBe('RUNNING');
    expect(await stack.sandboxCall(callControlId)).toMatchObject({ state: 'parked', commands: [] });

    await startWorker();
    const answered = await stack.answeredRow(callControlId, 120_000);
    expect((await org.call('POST', `/api/v1/phone/calls/${answered.id}/hangup`)).status).toBe(200);
    const row = await stack.settledRow(callControlId);

    expect(row).toMatchObject({ status: 'completed', hangup_reason: 'local' });
    expect((await stack.sandboxCall(callControlId)).commands.map((command) => command.action)).toEqual(['answer', 'hangup']);
    expect(worker.child.unexpectedExits).toEqual([]);
  });
});
