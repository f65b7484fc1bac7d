import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import Telnyx from 'telnyx';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import type { Carrier } from '../../../carrier/carrier.js';
import { loadConfig } from '../../../config/config.js';
import { deploymentTag, organizationTag, serviceTag } from '../../../domain/carrier-tags.js';
import { defaultRepairMinAgeMs, type ReconcileInventoryInput } from '../../../domain/reconcile-contract.js';
import { workflowIds } from '../../../domain/workflow-contract.js';
import type { NewPhoneNumber } from '../../../db/schema.js';
import { ensureReconcileSchedule } from '../../../worker/reconcile-schedule.js';
import { provisionNumber, reconcileInventory } from '../../../workflows/index.js';
import { sleep, startWorkflowHarness, waitFor, type WorkflowHarness } from '../../support/workflow-harness.js';

let harness: WorkflowHarness;
let carrier: Carrier;
let telnyx: Telnyx;

beforeAll(async () => {
  harness = await startWorkflowHarness({ defaults: { type: 'local', state: 'OR' } });
  carrier = createTelnyxCarrier({ apiKey: 'test', baseURL: harness.sandboxBaseURL });
  telnyx = new Telnyx({ apiKey: 'test', baseURL: harness.sandboxBaseURL, maxRetries: 0 });
  await harness.startWorker();
});

afterEach(async () => {
  await harness.sandbox.configure({ order_completion: { mode: 'instant' }, purchase_pending_ms: 0 });
});

afterAll(() => harness?.close());

type SweepOptions = Pick<ReconcileInventoryInput, 'graceMs' | 'organizationIds'> & Partial<ReconcileInventoryInput>;

/**
 * One sweep limited to the test's organizations (the database is shared with other files), scoped to the
 * harness's deployment and connection; rows are repaired at any age unless the test says otherwise.
 */
async function reconcile(options: SweepOptions, record?: string) {
  const input: ReconcileInventoryInput = {
    deploymentId: harness.config.DEPLOYMENT_ID,
    connectionId: harness.config.TELNYX_CONNECTION_ID,
    maxReleases: 10,
    dryRun: false,
    repairMinAgeMs: 0,
    ...options,
  };
  const handle = await harness.client.workflow.start(reconcileInventory, {
    taskQueue: harness.taskQueue,
    workflowId: `reconcile-test/${randomUUID()}`,
    args: [input],
  });
  const report = await handle.result();
  if (record) await harness.recordHistory(record, handle);
  return report;
}

/**
 * Buys a number at the sandbox directly and configures it as provisioning `workflowId` would have: its
 * own reference, the tags, the connection. Another deployment or connection can be given instead.
 */
async function buyDirectly(
  organizationId: string,
  workflowId: string,
  as: { deploymentId?: string; connectionId?: string } = {},
): Promise<{ number: string; carrierNumberId: string }> {
  const [candidate] = await carrier.searchAvailable({ type: 'local', state: 'OR', limit: 1 });
  const order = await carrier.createOrder(candidate!.phoneNumber, workflowId);
  const bought = (await harness.sandbox.ownedNumbers()).find((each) => each.phone_number === order.phoneNumber)!;
  await telnyx.phoneNumbers.update(bought.id, {
    connection_id: as.connectionId ?? harness.config.TELNYX_CONNECTION_ID,
    customer_reference: workflowId,
    tags: [serviceTag, deploymentTag(as.deploymentId ?? harness.config.DEPLOYMENT_ID), organizationTag(organizationId)],
  });
  return { number: order.phoneNumber, carrierNumberId: bought.id };
}

/** A row as a workflow would have left it; `id` is returned. */
async function insertRow(organizationId: string, fields: Partial<NewPhoneNumber> & Pick<NewPhoneNumber, 'status' | 'workflow_id'>) {
  const id = fields.id ?? randomUUID();
  await harness.db
    .insertInto('phone_numbers')
    .values({ id, organization_id: organizationId, type: 'local', state: 'OR', incoming_call_action: 'auto_reject', ...fields })
    .execute();
  return id;
}

/** The row a provisioning that failed leaves behind: its workflow is finished and owns nothing. */
async function insertFailedProvisioning(organizationId: string, workflowId: string, number: string) {
  await insertRow(organizationId, {
    number, status: 'failed', provisioning_step: 'failed', failure_reason: 'test: provisioning failed', workflow_id: workflowId,
  });
}

const owned = async () => (await harness.sandbox.ownedNumbers()).map((number) => number.phone_number);
const rowOf = (id: string) => harness.db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function provisionActive() {
  const { organizationId } = await harness.newOrganization();
  const input = harness.provisionInput(organizationId);
  const { number } = await (await harness.startProvision(input)).result();
  return { organizationId, phoneNumberId: input.phoneNumberId, number };
}

describe('reconcileInventory', () => {
  it('when a carrier number of a finished provisioning has no live row and is older than the grace period, then it is released', async () => {
    const { organizationId } = await harness.newOrganization();
    const workflowId = workflowIds.provision(organizationId, 'finished');
    const { number } = await buyDirectly(organizationId, workflowId);
    await insertFailedProvisioning(organizationId, workflowId, number);
    await sleep(300);

    const report = await reconcile({ graceMs: 200, organizationIds: [organizationId] }, 'reconcile-orphan-released');

    expect(report.released).toEqual([expect.objectContaining({ phoneNumber: number, customerReference: workflowId })]);
    expect(report).toMatchObject({ carrierNumbers: 1, liveRows: 0, flagged: [], skippedInGrace: 0, releaseFailed: [] });
    expect(await owned()).not.toContain(number);
    await harness.assertInvariant();
  });

  it('when an orphaned carrier number is younger than the grace period, then it is kept and counted', async () => {
    const { organizationId } = await harness.newOrganization();
    const { number } = await buyDirectly(organizationId, workflowIds.provision(organizationId, 'fresh'));

    const report = await reconcile({ graceMs: 10 * 60_000, organizationIds: [organizationId] });

    expect(report).toMatchObject({ carrierNumbers: 1, released: [], skippedInGrace: 1 });
    expect(await owned()).toContain(number);

    const later = await reconcile({ graceMs: 0, organizationIds: [organizationId] });
    expect(later.released.map((orphan) => orphan.phoneNumber)).toEqual([number]);
  });

  it('when the carrier no longer has the number of an active row, then the row is flagged and marked, not deleted or released', async () => {
    const { organizationId, phoneNumberId, number } = await provisionActive();
    const row = await rowOf(phoneNumberId);
    await carrier.releaseNumber(row.carrier_number_id!);

    const report = await reconcile({ graceMs: 0, organizationIds: [organizationId] });

    expect(report.flagged).toEqual([{ phoneNumberId, organizationId, number }]);
    expect(report).toMatchObject({ carrierNumbers: 0, liveRows: 1, released: [] });
    const flaggedRow = await rowOf(phoneNumberId);
    expect(flaggedRow.status).toBe('active');
    expect(flaggedRow.carrier_missing_at).toBeInstanceOf(Date);

    const again = await reconcile({ graceMs: 0, organizationIds: [organizationId] });
    expect(again.flagged.map((each) => each.phoneNumberId)).toEqual([phoneNumberId]);
    expect((await rowOf(phoneNumberId)).carrier_missing_at).toEqual(flaggedRow.carrier_missing_at);
    await harness.db.updateTable('phone_numbers').set({ status: 'released', agent_identity_id: null }).where('id', '=', phoneNumberId).execute();
  });

  it('when an active row holds the number, then the sweep leaves both untouched even with no grace at all', async () => {
    const { organizationId, phoneNumberId, number } = await provisionActive();

    const report = await reconcile({ graceMs: 0, organizationIds: [organizationId] });

    expect(report).toEqual({
      carrierNumbers: 1, liveRows: 1, released: [], flagged: [], skippedInGrace: 0, skippedInFlight: 0, releaseFailed: [], recovered: 0,
      repaired: [], repairFailed: [],
    });
    expect(await owned()).toContain(number);
    expect(await rowOf(phoneNumberId)).toMatchObject({ status: 'active', carrier_missing_at: null });
    await harness.assertInvariant();
  });

  it('when sweeps run while a provisioning owns a bought number it has not registered yet, then the number is kept and the provisioning ends active', async () => {
    await harness.sandbox.configure({ order_completion: { mode: 'delayed', delay_ms: 300 }, purchase_pending_ms: 3000 });
    const { organizationId } = await harness.newOrganization();
    const input = harness.provisionInput(organizationId);
    const handle = await harness.startProvision(input);
    // The order keeps the reference; the number gets it only once provisioning configures it.
    const order = await waitFor(
      async () => (await harness.sandbox.orders()).find((each) => each.customer_reference === handle.workflowId),
      'the in-flight order at the carrier',
    );
    expect((await rowOf(input.phoneNumberId)).status).toBe('provisioning');

    const reports = await Promise.all([0, 1, 2].map(() => reconcile({ graceMs: 0, organizationIds: [organizationId] })));

    for (const report of reports) {
      expect(report.released).toEqual([]);
      expect(report.repaired).toEqual([]);
    }
    const { number } = await handle.result();
    expect(order.phone_numbers.map((each) => each.phone_number)).toEqual([number]);
    expect((await rowOf(input.phoneNumberId)).status).toBe('active');
    expect(await owned()).toContain(number);
    await harness.assertInvariant();
  });
  it('when a configured number has a provisioning row that is still provisioning and young, then it is kept in flight and the row is not repaired', async () => {
    const { organizationId } = await harness.newOrganization();
    const workflowId = workflowIds.provision(organizationId, 'young-never-started');
    const { number } = await buyDirectly(organizationId, workflowId);
    const phoneNumberId = await insertRow(organizationId, { status: 'provisioning', provisioning_step: 'configuring', workflow_id: workflowId });
    await sleep(300);

    const report = await reconcile({ graceMs: 200, organizationIds: [organizationId], repairMinAgeMs: 10 * 60_000 });

    expect(report).toMatchObject({ carrierNumbers: 1, released: [], skippedInFlight: 1, repaired: [] });
    expect(await owned()).toContain(number);
    expect((await rowOf(phoneNumberId)).status).toBe('provisioning');
  });
});

describe('reconcileInventory: only this deployment, within limits', () => {
  it('when old unowned numbers carry another deployment tag or sit on another connection, then none is counted or released', async () => {
    const { organizationId } = await harness.newOrganization();
    const otherDeployment = await buyDirectly(organizationId, workflowIds.provision(organizationId, 'staging'), { deploymentId: 'other' });
    const otherConnection = await buyDirectly(organizationId, workflowIds.provision(organizationId, 'elsewhere'), { connectionId: 'another-connection' });
    await sleep(300);

    const report = await reconcile({ graceMs: 200, organizationIds: [organizationId] });

    expect(report).toMatchObject({ carrierNumbers: 0, released: [], skippedInGrace: 0 });
    expect(await owned()).toEqual(expect.arrayContaining([otherDeployment.number, otherConnection.number]));
  });

  it('when a run finds more orphans than maxReleases, then it releases none of them and reports them all', async () => {
    const { organizationId } = await harness.newOrganization();
    const first = await buyDirectly(organizationId, workflowIds.provision(organizationId, 'one'));
    const second = await buyDirectly(organizationId, workflowIds.provision(organizationId, 'two'));
    await sleep(300);

    const report = await reconcile({ graceMs: 200, organizationIds: [organizationId], maxReleases: 1 });

    expect(report.released).toEqual([]);
    expect(report.overCap?.maxReleases).toBe(1);
    expect(report.overCap?.orphans.map((orphan) => orphan.phoneNumber).sort()).toEqual([first.number, second.number].sort());
    expect(await owned()).toEqual(expect.arrayContaining([first.number, second.number]));

    const within = await reconcile({ graceMs: 200, organizationIds: [organizationId], maxReleases: 2 });
    expect(within.released.map((orphan) => orphan.phoneNumber).sort()).toEqual([first.number, second.number].sort());
    expect(within.overCap).toBeUndefined();
  });

  it('when the run is a dry run, then it reports the orphan and the stuck row it would handle and changes neither', async () => {
    const { organizationId } = await harness.newOrganization();
    const { number } = await buyDirectly(organizationId, workflowIds.provision(organizationId, 'dry'));
    const stuckId = await insertRow(organizationId, { status: 'provisioning', workflow_id: workflowIds.provision(organizationId, 'gone') });
    await sleep(300);

    const report = await reconcile({ graceMs: 200, organizationIds: [organizationId], dryRun: true });

    expect(report).toMatchObject({ released: [], repaired: [], flagged: [] });
    expect(report.dryRun?.release.map((orphan) => orphan.phoneNumber)).toEqual([number]);
    expect(report.dryRun?.repair).toEqual([expect.objectContaining({ phoneNumberId: stuckId, status: 'provisioning', workflowStatus: 'NOT_FOUND' })]);
    expect(await owned()).toContain(number);
    expect((await rowOf(stuckId)).status).toBe('provisioning');

    const real = await reconcile({ graceMs: 200, organizationIds: [organizationId] });
    expect(real.released.map((orphan) => orphan.phoneNumber)).toEqual([number]);
    expect(real.repaired.map((row) => row.phoneNumberId)).toEqual([stuckId]);
  });
});

describe('reconcileInventory: rows whose workflow closed before settling them', () => {
  it('when a provisioning row\'s workflow was terminated, then the row is failed with a reason naming it', async () => {
    const { organizationId } = await harness.newOrganization();
    const input = harness.provisionInput(organizationId);
    // A queue no worker polls: the workflow exists and is terminated before it does anything of its own.
    const handle = await harness.startProvision(input, `nobody-polls-${randomUUID()}`);
    await insertRow(organizationId, { id: input.phoneNumberId, status: 'provisioning', provisioning_step: 'ordering', workflow_id: handle.workflowId });
    await handle.terminate('test: killed before its finally could run');

    const report = await reconcile({ graceMs: 0, organizationIds: [organizationId] }, 'reconcile-stuck-rows-repaired');

    expect(report.repaired).toEqual([
      expect.objectContaining({ phoneNumberId: input.phoneNumberId, status: 'provisioning', workflowId: handle.workflowId, workflowStatus: 'TERMINATED' }),
    ]);
    const row = await rowOf(input.phoneNumberId);
    expect(row.status).toBe('failed');
    expect(row.failure_reason).toContain('TERMINATED');
  });

  it('when a released row still holds a carrier number and its release workflow is gone, then the number is released at the carrier and recorded', async () => {
    const { organizationId } = await harness.newOrganization();
    const workflowId = workflowIds.provision(organizationId, 'released-long-ago');
    const { number, carrierNumberId } = await buyDirectly(organizationId, workflowId);
    const phoneNumberId = await insertRow(organizationId, { status: 'released', number, carrier_number_id: carrierNumberId, workflow_id: workflowId });

    const report = await reconcile({ graceMs: 0, organizationIds: [organizationId] });

    expect(report.repaired).toEqual([
      expect.objectContaining({ phoneNumberId, status: 'released', workflowId: workflowIds.release(phoneNumberId), workflowStatus: 'NOT_FOUND' }),
    ]);
    expect(report.released).toEqual([]);
    expect(await owned()).not.toContain(number);
    expect((await rowOf(phoneNumberId)).carrier_released_at).toBeInstanceOf(Date);
  });

  it('when a released row\'s release workflow is still running, then the row is left to it', async () => {
    const { organizationId } = await harness.newOrganization();
    const workflowId = workflowIds.provision(organizationId, 'releasing-now');
    const { number, carrierNumberId } = await buyDirectly(organizationId, workflowId);
    const phoneNumberId = await insertRow(organizationId, { status: 'released', number, carrier_number_id: carrierNumberId, workflow_id: workflowId });
    const release = await harness.client.workflow.start('releaseNumber', {
      taskQueue: `nobody-polls-${randomUUID()}`, workflowId: workflowIds.release(phoneNumberId), args: [{ organizationId, phoneNumberId }],
    });

    try {
      const report = await reconcile({ graceMs: 0, organizationIds: [organizationId] });

      expect(report).toMatchObject({ repaired: [], released: [], skippedInFlight: 1 });
      expect(await owned()).toContain(number);
      expect((await rowOf(phoneNumberId)).carrier_released_at).toBeNull();
    } finally {
      await release.terminate('test over');
    }
  });
});

// What `npm run temporal:setup` and `npm start` run; workers never do (test/integration/temporal-setup.test.ts).
describe('ensureReconcileSchedule', () => {
  it('when called twice with the same config, then the schedule is created once with the configured interval and SKIP overlap', async () => {
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const client = new Client({ connection, namespace: 'default' });
    const scheduleId = `reconcile-inventory-test-${randomUUID()}`;
    // A queue no worker polls: a run the schedule might start during the test sweeps nothing.
    const env = {
      TEMPORAL_TASK_QUEUE: `reconcile-schedule-${randomUUID()}`, RECONCILE_INTERVAL_MS: '3600000', RECONCILE_GRACE_MS: '120000',
      ORDER_DEADLINE_MS: '60000', DEPLOYMENT_ID: 'staging', RECONCILE_MAX_RELEASES: '3',
    };
    try {
      const first = await ensureReconcileSchedule(client, loadConfig(env), { scheduleId });
      const second = await ensureReconcileSchedule(client, loadConfig(env), { scheduleId });

      expect([first, second]).toEqual(['created', 'unchanged']);
      const described = await client.schedule.getHandle(scheduleId).describe();
      expect(described.spec.intervals?.map((interval) => interval.every)).toEqual([3_600_000]);
      expect(described.policies.overlap).toBe('SKIP');
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileInventory', taskQueue: env.TEMPORAL_TASK_QUEUE });
      expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([{
        graceMs: 120_000, deploymentId: 'staging', connectionId: 'sandbox-connection', maxReleases: 3, dryRun: false, repairMinAgeMs: defaultRepairMinAgeMs,
      }]);
      const listed = [];
      for await (const schedule of client.schedule.list()) if (schedule.scheduleId === scheduleId) listed.push(schedule);
      expect(listed).toHaveLength(1);
    } finally {
      await client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
      await connection.close();
    }
  });

  it('when the interval or the dry-run flag changes or reconciliation is disabled and enabled again, then the schedule follows the config', async () => {
    const scheduleId = `reconcile-inventory-test-${randomUUID()}`;
    const env = { TEMPORAL_TASK_QUEUE: `reconcile-schedule-${randomUUID()}`, RECONCILE_INTERVAL_MS: '3600000' };
    const handle = harness.client.schedule.getHandle(scheduleId);
    try {
      await ensureReconcileSchedule(harness.client, loadConfig(env), { scheduleId });

      const changed = await ensureReconcileSchedule(harness.client, loadConfig({ ...env, RECONCILE_INTERVAL_MS: '7200000' }), { scheduleId });
      expect(changed).toBe('updated');
      expect((await handle.describe()).spec.intervals?.map((interval) => interval.every)).toEqual([7_200_000]);

      const dryRun = await ensureReconcileSchedule(harness.client, loadConfig({ ...env, RECONCILE_INTERVAL_MS: '7200000', RECONCILE_DRY_RUN: 'true' }), { scheduleId });
      expect(dryRun).toBe('updated');
      const described = await handle.describe();
      expect(described.action.type === 'startWorkflow' && described.action.args?.[0]).toMatchObject({ dryRun: true });

      const disabled = await ensureReconcileSchedule(harness.client, loadConfig({ ...env, RECONCILE_ENABLED: 'false' }), { scheduleId });
      expect(disabled).toBe('paused');
      expect((await handle.describe()).state.paused).toBe(true);

      const enabled = await ensureReconcileSchedule(harness.client, loadConfig({ ...env, RECONCILE_INTERVAL_MS: '7200000', RECONCILE_DRY_RUN: 'true' }), { scheduleId });
      expect(enabled).toBe('updated');
      expect((await handle.describe()).state.paused).toBe(false);
    } finally {
      await handle.delete().catch(() => undefined);
    }
  });

  it('when the schedule was paused by a worker of the earlier release for RECONCILE_ENABLED=false, then setup with it enabled resumes it; an operator\'s pause stays', async () => {
    const scheduleId = `reconcile-inventory-test-${randomUUID()}`;
    const env = { TEMPORAL_TASK_QUEUE: `reconcile-schedule-${randomUUID()}`, RECONCILE_INTERVAL_MS: '3600000' };
    const handle = harness.client.schedule.getHandle(scheduleId);
    try {
      await ensureReconcileSchedule(harness.client, loadConfig(env), { scheduleId });
      // The note workers wrote when each of them kept the schedule.
      await handle.pause('paused by the worker: RECONCILE_ENABLED=false');

      const resumed = await ensureReconcileSchedule(harness.client, loadConfig(env), { scheduleId });
      expect(resumed).toBe('updated');
      expect((await handle.describe()).state.paused).toBe(false);

      await handle.pause('an operator: carrier maintenance');
      const kept = await ensureReconcileSchedule(harness.client, loadConfig(env), { scheduleId });
      expect(kept).toBe('unchanged');
      expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'an operator: carrier maintenance' });
    } finally {
      await handle.delete().catch(() => undefined);
    }
  });
});
