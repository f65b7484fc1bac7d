import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery, releaseMarkedUpdate, workflowIds } from '../../../domain/workflow-contract.js';
import { releaseNumber } from '../../../workflows/index.js';
import { startWorkflowHarness, waitFor, type WorkflowHarness } from '../../support/workflow-harness.js';

let harness: WorkflowHarness;

beforeAll(async () => {
  harness = await startWorkflowHarness({ defaults: { type: 'local', state: 'FL' } });
  await harness.startWorker();
});

afterEach(async () => {
  await harness.sandbox.clearFaults();
  await harness.sandbox.configure({ order_completion: { mode: 'instant' } });
  await harness.assertInvariant();
});

afterAll(() => harness?.close());

const rowOf = (id: string) => harness.db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Releases as the API does: start (or join) the release workflow and wait for `releaseMarked`. */
async function release(organizationId: string, phoneNumberId: string) {
  const startWorkflowOperation = new WithStartWorkflowOperation(releaseNumber, {
    workflowId: workflowIds.release(phoneNumberId),
    taskQueue: harness.taskQueue,
    args: [{ organizationId, phoneNumberId }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const marked = await harness.client.workflow.executeUpdateWithStart(releaseMarkedUpdate, { startWorkflowOperation });
  return { marked, handle: await startWorkflowOperation.workflowHandle() };
}

async function provisionActive() {
  const { organizationId } = await harness.newOrganization();
  const input = harness.provisionInput(organizationId);
  const { number } = await (await harness.startProvision(input)).result();
  return { organizationId, phoneNumberId: input.phoneNumberId, number };
}

const carrierDeletes = async () => (await harness.sandbox.requests()).filter((request) => request.method === 'DELETE').length;

describe('releaseNumber', () => {
  it('when an active number is released, then the row is released and unlinked and the carrier no longer owns it', async () => {
    const { organizationId, phoneNumberId, number } = await provisionActive();

    const { marked, handle } = await release(organizationId, phoneNumberId);
    const markedRow = await rowOf(phoneNumberId);
    await handle.result();

    expect(marked).toEqual({ phoneNumberId });
    expect(markedRow).toMatchObject({ status: 'released', agent_identity_id: null });
    expect((await rowOf(phoneNumberId)).carrier_released_at).toBeInstanceOf(Date);
    expect((await harness.sandbox.ownedNumbers()).map((owned) => owned.phone_number)).not.toContain(number);
    await harness.recordHistory('release-active', handle);
  });

  it('when a release is retried after it finished, then nothing changes and the carrier is not called again', async () => {
    const { organizationId, phoneNumberId } = await provisionActive();
    await (await release(organizationId, phoneNumberId)).handle.result();
    const first = await rowOf(phoneNumberId);
    const deletes = await carrierDeletes();

    const again = await release(organizationId, phoneNumberId);
    await again.handle.result();

    expect(again.marked).toEqual({ phoneNumberId });
    expect(await rowOf(phoneNumberId)).toMatchObject({ status: 'released', carrier_released_at: first.carrier_released_at });
    expect(await carrierDeletes()).toBe(deletes);
  });

  it('when the carrier fails the release for a while, then it is retried until confirmed', async () => {
    const { organizationId, phoneNumberId, number } = await provisionActive();
    await harness.sandbox.addFault({ method: 'DELETE', path: '/v2/phone_numbers/*', action: { type: 'error', status: 503 }, times: 2 });

    const { handle } = await release(organizationId, phoneNumberId);
    await handle.result();

    expect((await rowOf(phoneNumberId)).carrier_released_at).toBeInstanceOf(Date);
    expect((await harness.sandbox.ownedNumbers()).map((owned) => owned.phone_number)).not.toContain(number);
  });

  it('when a provisioning number is released, then provisioning is cancelled, its pending order cancelled, and the row ends released', async () => {
    // Long enough that the release's cancel reaches the pending order first, however loaded the machine.
    await harness.sandbox.configure({ order_completion: { mode: 'delayed', delay_ms: 20_000 } });
    const { organizationId } = await harness.newOrganization();
    const input = harness.provisionInput(organizationId, { orderPollIntervalMs: 3_600_000 });
    const provisioning = await harness.startProvision(input);
    await waitFor(async () => (await provisioning.query(progressQuery)).step === 'awaiting_completion', 'the order to be pending');

    const { handle } = await release(organizationId, input.phoneNumberId);
    const markedRow = await rowOf(input.phoneNumberId);
    await handle.result();

    expect(markedRow).toMatchObject({ status: 'released', agent_identity_id: null });
    await expect(provisioning.result()).rejects.toMatchObject({ cause: { name: 'CancelledFailure' } });
    const orders = (await harness.sandbox.orders()).filter((order) => order.customer_reference === provisioning.workflowId);
    expect(orders.map((order) => order.status)).toEqual(['failure']);
    expect((await harness.sandbox.ownedNumbers()).map((owned) => owned.phone_number)).not.toContain(orders[0]!.phone_numbers[0]!.phone_number);
    await harness.recordHistory('release-provisioning', handle);
    await harness.recordHistory('provision-cancelled-by-release', provisioning);
  });

  it('when a failed number is released, then it stays failed', async () => {
    await harness.sandbox.configure({ order_completion: { mode: 'fail', delay_ms: 50 } });
    const { organizationId } = await harness.newOrganization();
    const input = harness.provisionInput(organizationId);
    await expect((await harness.startProvision(input)).result()).rejects.toMatchObject({ cause: { type: 'carrier_provisioning_failed' } });

    const { handle } = await release(organizationId, input.phoneNumberId);
    await handle.result();

    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'failed' });
  });
});
