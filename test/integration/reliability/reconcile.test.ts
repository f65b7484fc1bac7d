import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import type { Carrier } from '../../../carrier/carrier.js';
import { loadConfig } from '../../../config/config.js';
import type { ReconcileInventoryInput } from '../../../domain/reconcile-contract.js';
import { workflowIds } from '../../../domain/workflow-contract.js';
import { ensureReconcileSchedule } from '../../../worker/reconcile-schedule.js';
import { reconcileInventory } from '../../../workflows/index.js';
import { sleep, startWorkflowHarness, waitFor, type WorkflowHarness } from '../../support/workflow-harness.js';

let harness: WorkflowHarness;
let carrier: Carrier;

beforeAll(async () => {
  harness = await startWorkflowHarness({ defaults: { type: 'local', state: 'OR' } });
  carrier = createTelnyxCarrier({ apiKey: 'test', baseURL: harness.sandboxBaseURL });
  await harness.startWorker();
});

afterEach(async () => {
  await harness.sandbox.configure({ order_completion: { mode: 'instant' }, purchase_pending_ms: 0 });
});

afterAll(() => harness?.close());

/** One sweep limited to the test's organizations (the database is shared with other files). */
async function reconcile(input: ReconcileInventoryInput, record?: string) {
  const handle = await harness.client.workflow.start(reconcileInventory, {
    taskQueue: harness.taskQueue,
    workflowId: `reconcile-test/${randomUUID()}`,
    args: [input],
  });
  const report = await handle.result();
  if (record) await harness.recordHistory(record, handle);
  return report;
}

/** Buys a number at the sandbox directly, as a provisioning with this workflow id would have. */
async function buyDirectly(customerReference: string): Promise<string> {
  const [candidate] = await carrier.searchAvailable({ type: 'local', state: 'OR', limit: 1 });
  const order = await carrier.createOrder(candidate!.phoneNumber, customerReference);
  return order.phoneNumber;
}

/** The row a provisioning that failed leaves behind: its workflow is finished and owns nothing. */
async function insertFailedProvisioning(organizationId: string, workflowId: string, number: string) {
  await harness.db
    .insertInto('phone_numbers')
    .values({
      id: randomUUID(),
      organization_id: organizationId,
      type: 'local',
      state: 'OR',
      number,
      status: 'failed',
      provisioning_step: 'failed',
      failure_reason: 'test: provisioning failed',
      incoming_call_action: 'auto_reject',
      workflow_id: workflowId,
    })
    .execute();
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
    const number = await buyDirectly(workflowId);
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
    const number = await buyDirectly(workflowIds.provision(organizationId, 'fresh'));

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
    const bought = await waitFor(
      async () => (await harness.sandbox.ownedNumbers()).find((number) => number.customer_reference === handle.workflowId),
      'the in-flight number at the carrier',
    );
    expect((await rowOf(input.phoneNumberId)).status).toBe('provisioning');

    const reports = await Promise.all([0, 1, 2].map(() => reconcile({ graceMs: 0, organizationIds: [organizationId] })));

    for (const report of reports) {
      expect(report.released).toEqual([]);
      expect(report.skippedInFlight).toBe(1);
    }
    const { number } = await handle.result();
    expect(number).toBe(bought.phone_number);
    expect((await rowOf(input.phoneNumberId)).status).toBe('active');
    expect(await owned()).toContain(number);
    await harness.assertInvariant();
  });
});

describe('ensureReconcileSchedule', () => {
  it('when called twice with the same config, then the schedule is created once with the configured interval and SKIP overlap', async () => {
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const client = new Client({ connection, namespace: 'default' });
    const scheduleId = `reconcile-inventory-test-${randomUUID()}`;
    // A queue no worker polls: a run the schedule might start during the test sweeps nothing.
    const env = { TEMPORAL_TASK_QUEUE: `reconcile-schedule-${randomUUID()}`, RECONCILE_INTERVAL_MS: '3600000', RECONCILE_GRACE_MS: '120000' };
    try {
      const first = await ensureReconcileSchedule(client, loadConfig(env), { scheduleId });
      const second = await ensureReconcileSchedule(client, loadConfig(env), { scheduleId });

      expect([first, second]).toEqual(['created', 'unchanged']);
      const described = await client.schedule.getHandle(scheduleId).describe();
      expect(described.spec.intervals?.map((interval) => interval.every)).toEqual([3_600_000]);
      expect(described.policies.overlap).toBe('SKIP');
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileInventory', taskQueue: env.TEMPORAL_TASK_QUEUE, args: [{ graceMs: 120_000 }] });
      const listed = [];
      for await (const schedule of client.schedule.list()) if (schedule.scheduleId === scheduleId) listed.push(schedule);
      expect(listed).toHaveLength(1);
    } finally {
      await client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
      await connection.close();
    }
  });

  it('when the interval changes or reconciliation is disabled and enabled again, then the schedule follows the config', async () => {
    const scheduleId = `reconcile-inventory-test-${randomUUID()}`;
    const env = { TEMPORAL_TASK_QUEUE: `reconcile-schedule-${randomUUID()}`, RECONCILE_INTERVAL_MS: '3600000' };
    const handle = harness.client.schedule.getHandle(scheduleId);
    try {
      await ensureReconcileSchedule(harness.client, loadConfig(env), { scheduleId });

      const changed = await ensureReconcileSchedule(harness.client, loadConfig({ ...env, RECONCILE_INTERVAL_MS: '7200000' }), { scheduleId });
      expect(changed).toBe('updated');
      expect((await handle.describe()).spec.intervals?.map((interval) => interval.every)).toEqual([7_200_000]);

      const disabled = await ensureReconcileSchedule(harness.client, loadConfig({ ...env, RECONCILE_ENABLED: 'false' }), { scheduleId });
      expect(disabled).toBe('paused');
      expect((await handle.describe()).state.paused).toBe(true);

      const enabled = await ensureReconcileSchedule(harness.client, loadConfig({ ...env, RECONCILE_INTERVAL_MS: '7200000' }), { scheduleId });
      expect(enabled).toBe('updated');
      expect((await handle.describe()).state.paused).toBe(false);
    } finally {
      await handle.delete().catch(() => undefined);
    }
  });
});
