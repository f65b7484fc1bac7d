import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import { carrierReleaseStates, searchAttributes } from '../../../domain/search-attributes.js';
import { releaseMarkedUpdate, workflowIds } from '../../../domain/workflow-contract.js';
import { releaseNumber } from '../../../workflows/index.js';
import { startWorkflowHarness, waitFor, type WorkflowHarness } from '../../support/workflow-harness.js';

let harness: WorkflowHarness;

beforeAll(async () => {
  harness = await startWorkflowHarness({ defaults: { type: 'local', state: 'NV' } });
  await harness.startWorker();
});

afterEach(async () => {
  await harness.sandbox.clearFaults();
  await harness.sandbox.configure({ order_completion: { mode: 'instant' }, account_on_hold: false, purchase_pending_ms: 0 });
  await harness.assertInvariant();
});

afterAll(() => harness?.close());

const rowOf = (id: string) => harness.db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const ownedNumbers = async () => (await harness.sandbox.ownedNumbers()).map((owned) => owned.phone_number);
const carrierReleaseOf = (workflowId: string) => harness.searchAttributeOf(workflowId, searchAttributes.carrierRelease);

async function provision(overrides: Parameters<WorkflowHarness['provisionInput']>[1] = {}) {
  const { organizationId } = await harness.newOrganization();
  const input = harness.provisionInput(organizationId, overrides);
  return { organizationId, input, handle: await harness.startProvision(input) };
}

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

/** The attempt number of the workflow's pending activity of that type (0 when none is pending). */
async function pendingAttempt(handle: WorkflowHandle, activityType: string): Promise<number> {
  const { raw } = await handle.describe();
  return raw.pendingActivities?.find((activity) => activity.activityType?.name === activityType)?.attempt ?? 0;
}

/** Two ways the carrier refuses a release: an account on hold (403 on every call) and a 422 on delete. */
const refusals = [
  {
    name: 'the account is on hold',
    begin: () => harness.sandbox.configure({ account_on_hold: true }),
    end: () => harness.sandbox.configure({ account_on_hold: false }),
  },
  {
    name: 'every delete answers 422',
    begin: () => harness.sandbox.addFault({ method: 'DELETE', path: '/v2/phone_numbers/*', action: { type: 'error', status: 422, code: '10015' }, times: null }),
    end: () => harness.sandbox.clearFaults(),
  },
];

describe('a release the carrier refuses', () => {
  it('when the carrier refuses compensation\'s release, then the row ends failed, a watcher shows CarrierRelease=retrying and releases the number once the refusal ends', async () => {
    await harness.sandbox.addFault({ method: 'PATCH', path: '/v2/phone_numbers/*', action: { type: 'error', status: 422, code: '10015' }, times: null });
    await harness.sandbox.addFault({ method: 'DELETE', path: '/v2/phone_numbers/*', action: { type: 'error', status: 403 }, times: null });
    const { input, handle } = await provision();
    const watcherId = workflowIds.watchPendingOrders(input.phoneNumberId);

    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'carrier_provisioning_failed' } });
    const row = await rowOf(input.phoneNumberId);
    const [order] = (await harness.sandbox.orders()).filter((each) => each.customer_reference === handle.workflowId && each.status === 'success');
    const number = order!.phone_numbers[0]!.phone_number;
    await waitFor(async () => (await carrierReleaseOf(watcherId)) === carrierReleaseStates.retrying, 'the watcher to show the refused release');
    const stillOwned = await ownedNumbers();
    await harness.recordHistory('provision-release-refused-handed-to-watcher', handle);

    expect(row).toMatchObject({ status: 'failed', provisioning_step: 'failed', failure_reason: expect.stringContaining(watcherId) });
    expect(stillOwned).toContain(number);

    await harness.sandbox.clearFaults();
    const watcher = harness.client.workflow.getHandle(watcherId);
    await watcher.result();

    expect(await ownedNumbers()).not.toContain(number);
    expect(await carrierReleaseOf(watcherId)).toBe(carrierReleaseStates.released);
    await harness.recordHistory('watcher-release-refused-then-confirmed', watcher);
  }, 120_000);

  it.each(refusals)('when $name while an active number is released, then the release shows CarrierRelease=retrying and records carrier_released_at once the carrier confirms', async (refusal) => {
    const { organizationId, input, handle: provisioning } = await provision();
    const { number } = await provisioning.result();
    await refusal.begin();

    const { marked, handle } = await release(organizationId, input.phoneNumberId);
    await waitFor(async () => (await carrierReleaseOf(handle.workflowId)) === carrierReleaseStates.retrying, 'the release to show the refusal');
    const whileRefused = await rowOf(input.phoneNumberId);
    const ownedWhileRefused = await ownedNumbers();
    await refusal.end();
    await handle.result();

    expect(marked).toEqual({ phoneNumberId: input.phoneNumberId });
    expect(whileRefused).toMatchObject({ status: 'released', carrier_released_at: null });
    expect(ownedWhileRefused).toContain(number);
    expect((await rowOf(input.phoneNumberId)).carrier_released_at).toBeInstanceOf(Date);
    expect(await ownedNumbers()).not.toContain(number);
    expect(await carrierReleaseOf(handle.workflowId)).toBe(carrierReleaseStates.released);
    if (refusal === refusals[0]) await harness.recordHistory('release-refused-then-confirmed', handle);
  }, 120_000);
});

describe('bounded histories', () => {
  it('when a watcher watches longer than its rounds per run, then it continues as new and still releases the number', async () => {
    // The number reads purchase-pending for a while after its order succeeded: the watcher must wait for it.
    await harness.sandbox.configure({ purchase_pending_ms: 6000 });
    const { organizationId } = await harness.newOrganization();
    const carrier = createTelnyxCarrier({ apiKey: 'test', baseURL: harness.sandboxBaseURL });
    const [candidate] = await carrier.searchAvailable({ type: 'local', state: 'NV', limit: 1 });
    const reference = workflowIds.provision(organizationId, randomUUID());
    await carrier.createOrder(candidate!.phoneNumber, reference);

    const handle = await harness.startWatcher(reference, { maxRoundsPerRun: 2 });
    await waitFor(async () => (await harness.runStatus(handle.workflowId, handle.firstExecutionRunId)) === 'CONTINUED_AS_NEW', 'the first run to continue as new');
    await handle.result();

    expect(await ownedNumbers()).not.toContain(candidate!.phoneNumber);
    await harness.recordHistory('watcher-continued-as-new', harness.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId));
    await harness.recordHistory('watcher-after-continue-as-new', handle);
  });

  it('when a release waits on a provisioning longer than its polls per run, then it continues as new and the row ends released', async () => {
    // The bought number reads purchase-pending: configuring retries, and the cancelled provisioning's
    // compensation waits for the number before it can release it, keeping the row `provisioning`.
    await harness.sandbox.configure({ purchase_pending_ms: 6000 });
    const { organizationId, input, handle: provisioning } = await provision();
    // The row, not the query: configuring runs as local activities in one workflow task, and a query is answered between tasks.
    await waitFor(async () => (await rowOf(input.phoneNumberId)).provisioning_step === 'configuring', 'provisioning to configure the number');

    const handle = await harness.startRelease(organizationId, input.phoneNumberId, { maxPollsPerRun: 2 });
    await waitFor(async () => (await harness.runStatus(handle.workflowId, handle.firstExecutionRunId)) === 'CONTINUED_AS_NEW', 'the first run to continue as new');
    await handle.result();

    await expect(provisioning.result()).rejects.toMatchObject({ cause: { name: 'CancelledFailure' } });
    const row = await rowOf(input.phoneNumberId);
    expect(row).toMatchObject({ status: 'released', agent_identity_id: null });
    expect(await ownedNumbers()).not.toContain(row.number);
    await harness.recordHistory('release-wait-continued-as-new', harness.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId));
    await harness.recordHistory('release-wait-after-continue-as-new', handle);
  });
});

describe('reads after a purchase', () => {
  it('when order polls fail longer than the old 10-attempt budget, within the order deadline, then provisioning still completes', async () => {
    await harness.sandbox.configure({ order_completion: { mode: 'delayed', delay_ms: 300 } });
    await harness.sandbox.addFault({ method: 'GET', path: '/v2/number_orders/*', action: { type: 'error', status: 503 }, times: null });
    const { input, handle } = await provision({ orderDeadlineMs: 40_000, orderPollIntervalMs: 100 });

    await waitFor(async () => (await pendingAttempt(handle, 'getOrder')) > 11, 'order polls to outlast the old attempt budget', 60_000);
    await harness.sandbox.clearFaults();
    const { number } = await handle.result();

    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'active', number });
    await harness.recordHistory('provision-order-reads-outlast-outage', handle);
  }, 120_000);
});
