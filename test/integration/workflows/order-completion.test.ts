import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orderCompletedSignal, progressQuery } from '../../../domain/workflow-contract.js';
import { startWorkflowHarness, waitFor, type WorkflowHarness } from '../../support/workflow-harness.js';

let harness: WorkflowHarness;

beforeAll(async () => {
  harness = await startWorkflowHarness({ defaults: { type: 'local', state: 'TX' } });
  await harness.startWorker();
  await harness.sandbox.configure({ order_completion: { mode: 'delayed', delay_ms: 300 } });
});

afterEach(async () => {
  await harness.sandbox.clearFaults();
  await harness.assertInvariant();
});

afterAll(() => harness?.close());

/** Starts provisioning and resolves once the carrier reports its order complete, with the order id. */
async function provisionUntilOrderSettles(pollIntervalMs: number) {
  const { organizationId } = await harness.newOrganization();
  const input = harness.provisionInput(organizationId, { orderPollIntervalMs: pollIntervalMs });
  const handle = await harness.startProvision(input);
  const order = await waitFor(
    async () => (await harness.sandbox.orders()).find((each) => each.customer_reference === handle.workflowId && each.status === 'success'),
    'the order to complete at the carrier',
  );
  return { input, handle, orderId: order.id };
}

const orderPolls = async (orderId: string) =>
  (await harness.sandbox.requests()).filter((request) => request.method === 'GET' && request.path === `/v2/number_orders/${orderId}`).length;

// Polls are an hour apart in the signal cases: only the signal can end the wait within the test.
describe('order completion', () => {
  it('when the completion webhook arrives before the next poll, then the signal ends the wait', async () => {
    const { handle, orderId } = await provisionUntilOrderSettles(3_600_000);

    await handle.signal(orderCompletedSignal, { orderId, status: 'success' });
    const result = await handle.result();

    expect(result.number).toMatch(/^\+1/);
    expect(await orderPolls(orderId)).toBe(1);
    await harness.recordHistory('completion-signal-before-poll', handle);
  });

  it('when the completion webhook arrives twice, then provisioning completes once', async () => {
    const { input, handle, orderId } = await provisionUntilOrderSettles(3_600_000);

    await handle.signal(orderCompletedSignal, { orderId, status: 'success' });
    await handle.signal(orderCompletedSignal, { orderId, status: 'success' });
    await handle.result();

    const row = await harness.db.selectFrom('phone_numbers').selectAll().where('id', '=', input.phoneNumberId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'active', carrier_order_id: orderId });
    await harness.recordHistory('completion-signal-twice', handle);
  });

  it('when the completion webhook arrives after polling found the order complete, then it is harmless', async () => {
    await harness.sandbox.addFault({ method: 'PATCH', path: '/v2/phone_numbers/*', action: { type: 'delay', ms: 1000 }, times: 1 });
    const { handle, orderId } = await provisionUntilOrderSettles(100);
    // The row, not the query: a query is answered between workflow tasks, and the configuring write runs
    // in one task with the configuration and registration.
    const stepOf = async () => (await harness.db.selectFrom('phone_numbers').select('provisioning_step').where('workflow_id', '=', handle.workflowId).executeTakeFirst())?.provisioning_step;
    await waitFor(async () => (await stepOf()) === 'configuring', 'polling to find the order complete');

    await handle.signal(orderCompletedSignal, { orderId, status: 'success' });
    const result = await handle.result();

    expect((await handle.query(progressQuery)).step).toBe('completed');
    expect(result.number).toMatch(/^\+1/);
    await harness.recordHistory('completion-signal-after-poll', handle);
  });

  it('when the completion webhook never arrives, then polling completes provisioning', async () => {
    const { handle, orderId } = await provisionUntilOrderSettles(100);

    await handle.result();

    expect(await orderPolls(orderId)).toBeGreaterThanOrEqual(1);
    await harness.recordHistory('completion-polling-only', handle);
  });

  it('when a webhook signals success for an order still pending, then the carrier\'s answer wins and the wait goes on', async () => {
    await harness.sandbox.configure({ order_completion: { mode: 'never' } });
    const { organizationId } = await harness.newOrganization();
    const handle = await harness.startProvision(harness.provisionInput(organizationId, { orderPollIntervalMs: 3_600_000 }));
    const order = await waitFor(async () => (await harness.sandbox.orders()).find((each) => each.customer_reference === handle.workflowId), 'the order');
    await waitFor(async () => (await handle.query(progressQuery)).step === 'awaiting_completion', 'the wait');

    await handle.signal(orderCompletedSignal, { orderId: order.id, status: 'success' });
    await waitFor(async () => (await orderPolls(order.id)) === 1, 'the signal to trigger a poll');
    const stillWaiting = await handle.query(progressQuery);
    await harness.sandbox.completeOrder(order.id, 'success');
    await handle.signal(orderCompletedSignal, { orderId: order.id, status: 'success' });
    await handle.result();

    expect(stillWaiting.step).toBe('awaiting_completion');
    await harness.sandbox.configure({ order_completion: { mode: 'delayed', delay_ms: 300 } });
  });
});
