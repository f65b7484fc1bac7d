import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import { progressQuery, workflowIds } from '../../../domain/workflow-contract.js';
import { startWorkflowHarness, waitFor, type WorkflowHarness } from '../../support/workflow-harness.js';
import { areaCodes } from '../../../sandbox/area-codes.js';
import type { UsState } from '../../../domain/phone-number.js';

let harness: WorkflowHarness;

beforeAll(async () => {
  harness = await startWorkflowHarness({ defaults: { type: 'local', state: 'OR' } });
  await harness.startWorker();
});

afterEach(async () => {
  await harness.sandbox.clearFaults();
  await harness.sandbox.configure({ order_completion: { mode: 'instant' } });
  await harness.assertInvariant();
});

afterAll(() => harness?.close());

async function provision(overrides: Parameters<WorkflowHarness['provisionInput']>[1] = {}) {
  const { organizationId } = await harness.newOrganization();
  const input = harness.provisionInput(organizationId, overrides);
  const handle = await harness.startProvision(input);
  return { input, handle };
}

const rowOf = (id: string) => harness.db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('provisionNumber', () => {
  it('when a toll-free number is requested, then it is bought, attached, tagged and registered active', async () => {
    const { input, handle } = await provision({
      type: 'toll_free',
      state: null,
      callSettings: { incomingCallAction: 'auto_accept', clientWebsocketUrl: 'wss://agent.example/ws', incomingCallWebhookUrl: null },
    });

    const result = await handle.result();

    expect(result.number).toMatch(/^\+18(00|33|44|55|66|77|88)\d{7}$/);
    const row = await rowOf(input.phoneNumberId);
    expect(row).toMatchObject({ status: 'active', number: result.number, provisioning_step: 'completed', incoming_call_action: 'auto_accept' });
    expect(row.agent_identity_id).not.toBeNull();
    const owned = (await harness.sandbox.ownedNumbers()).find((number) => number.phone_number === result.number);
    expect(owned).toMatchObject({ id: row.carrier_number_id, connection_id: harness.config.TELNYX_CONNECTION_ID });
    expect(owned?.tags).toEqual(expect.arrayContaining(['inkbox-numbers', `org:${input.organizationId}`]));
    expect(await handle.query(progressQuery)).toMatchObject({ step: 'completed', phoneNumber: result.number, attempts: 1 });
    await harness.recordHistory('provision-toll-free', handle);
  });

  it('when a local number in a state is requested, then the number has one of that state\'s area codes', async () => {
    const { input, handle } = await provision({ type: 'local', state: 'NY' });

    const result = await handle.result();

    const nyAreaCodes = ['212', '315', '332', '347', '516', '518', '585', '607', '631', '646', '680', '716', '718', '838', '845', '914', '917', '929', '934'];
    expect(nyAreaCodes).toContain(result.number.slice(2, 5));
    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'active', type: 'local', state: 'NY', number: result.number });
    await harness.recordHistory('provision-local-state', handle);
  });

  it('when the carrier completes the order at creation, then the number and the configuring step are one row write and one upsert, and awaiting_completion is skipped', async () => {
    const { input, handle } = await provision();

    const result = await handle.result();

    const { events } = await handle.fetchHistory();
    const decoded = (payload: { data?: Uint8Array | null } | null | undefined) => JSON.parse(Buffer.from(payload?.data ?? []).toString('utf8')) as unknown;
    const upserts = (events ?? []).flatMap((event) => {
      const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
      return fields ? [Object.fromEntries(Object.entries(fields).map(([key, payload]) => [key, decoded(payload)]))] : [];
    });
    const localActivities = (events ?? []).flatMap((event) => {
      const details = event.markerRecordedEventAttributes?.markerName === 'core_local_activity' ? event.markerRecordedEventAttributes.details : undefined;
      return details ? [(decoded(details.data?.payloads?.[0]) as { activity_type: string }).activity_type] : [];
    });
    expect(upserts.flatMap((fields) => (fields.ProvisioningStep === undefined ? [] : [fields.ProvisioningStep]))).toEqual(['reserving', 'searching', 'ordering', 'configuring', 'registering', 'completed']);
    expect(upserts).toContainEqual({ PhoneNumber: result.number, ProvisioningStep: 'configuring' });
    expect(localActivities).toEqual(['reserveNumber', 'searchNumbers', 'recordProvisioningStep', 'configureNumber', 'registerNumber']);
    const throughServer = (events ?? []).flatMap((event) => {
      const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
      return type ? [type] : [];
    });
    expect(throughServer).toEqual(['placeOrder']);
    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'active', number: result.number, provisioning_step: 'completed' });
  });

  it('when a local number is requested without a state, then the row records the state the carrier listed it under', async () => {
    const { input, handle } = await provision({ type: 'local', state: null });

    const result = await handle.result();

    const row = await rowOf(input.phoneNumberId);
    expect(row).toMatchObject({ status: 'active', type: 'local', number: result.number });
    expect(row.state).toMatch(/^[A-Z]{2}$/);
    expect(areaCodes[row.state as UsState]).toContain(result.number.slice(2, 5));
  });

  it('when inventory search answers 5xx twice, then it is retried and provisioning succeeds', async () => {
    await harness.sandbox.addFault({ method: 'GET', path: '/v2/available_phone_numbers', action: { type: 'error', status: 503 }, times: 2 });
    const { input, handle } = await provision();

    await handle.result();

    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'active' });
  });

  it('when inventory search is rate limited with Retry-After, then the next attempt waits as long as the carrier asked', async () => {
    const since = new Date().toISOString();
    await harness.sandbox.addFault({ method: 'GET', path: '/v2/available_phone_numbers', action: { type: 'error', status: 429, headers: { 'retry-after': '2' } }, times: 1 });
    const { input, handle } = await provision();

    await handle.result();

    const searches = (await harness.sandbox.requests()).filter((request) => request.path === '/v2/available_phone_numbers' && request.at >= since);
    expect(searches.map((request) => request.status)).toEqual([429, 200]);
    // The retry policy alone would try again after 500 ms.
    expect(Date.parse(searches[1]!.at) - Date.parse(searches[0]!.at)).toBeGreaterThanOrEqual(1900);
    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'active' });
  });

  it('when configuring the number answers 5xx twice, then it is retried and the number is registered active', async () => {
    await harness.sandbox.addFault({ method: 'PATCH', path: '/v2/phone_numbers/*', action: { type: 'error', status: 503 }, times: 2 });
    const { input, handle } = await provision();

    const result = await handle.result();

    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'active', number: result.number });
    const owned = (await harness.sandbox.ownedNumbers()).filter((number) => number.customer_reference === handle.workflowId);
    expect(owned.map((number) => number.phone_number)).toEqual([result.number]);
  });

  it('when the inventory is empty, then it fails no_numbers_available and the row is failed', async () => {
    await harness.sandbox.configure({ inventory: { local: { WY: 0 } } });
    const { input, handle } = await provision({ type: 'local', state: 'WY' });

    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'no_numbers_available' } });

    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'failed', provisioning_step: 'failed' });
    expect((await rowOf(input.phoneNumberId)).failure_reason).toMatch(/No local numbers available in WY/);
    await harness.recordHistory('provision-no-numbers', handle);
  });

  it('when the order create answers 5xx, then it is retried and exactly one number is bought', async () => {
    await harness.sandbox.addFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'error', status: 500 }, times: 2 });
    const { input, handle } = await provision();

    await handle.result();

    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'active' });
    const orders = (await harness.sandbox.orders()).filter((order) => order.customer_reference === handle.workflowId);
    expect(orders).toHaveLength(1);
    // Each 500 may have placed the order: no create again until the order list should show it (CARRIER_LIST_LAG_MS).
  });

  it('when the order create commits then answers 500, then the committed order is adopted, not bought again', async () => {
    await harness.sandbox.addFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'commit_then_error', status: 500 }, times: 1 });
    const { input, handle } = await provision();

    const result = await handle.result();

    const orders = (await harness.sandbox.orders()).filter((order) => order.customer_reference === handle.workflowId);
    expect(orders).toHaveLength(1);
    expect(orders[0]?.phone_numbers[0]?.phone_number).toBe(result.number);
    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'active', carrier_order_id: orders[0]?.id });
    await harness.recordHistory('provision-commit-then-error', handle);
  });

  it('when the chosen number is taken meanwhile, then the next candidate is ordered', async () => {
    await harness.sandbox.addFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'taken' }, times: 1 });
    const { handle } = await provision();

    const result = await handle.result();

    const progress = await handle.query(progressQuery);
    expect(progress).toMatchObject({ attempts: 2, phoneNumber: result.number });
    await harness.recordHistory('provision-number-taken', handle);
  });

  it('when every candidate is taken, then it fails carrier_provisioning_failed with nothing bought', async () => {
    await harness.sandbox.addFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'taken' }, times: null });
    const { input, handle } = await provision();

    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'carrier_provisioning_failed' } });

    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'failed' });
    expect(await handle.query(progressQuery)).toMatchObject({ attempts: 3, step: 'failed' });
  });

  it('when the order is still pending past the deadline, then compensation cancels it and nothing stays bought', async () => {
    await harness.sandbox.configure({ order_completion: { mode: 'never' } });
    const { input, handle } = await provision({ orderDeadlineMs: 1500 });

    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'carrier_provisioning_failed', message: expect.stringMatching(/still pending/) } });

    const row = await rowOf(input.phoneNumberId);
    const orders = (await harness.sandbox.orders()).filter((each) => each.customer_reference === handle.workflowId);
    expect(row).toMatchObject({ status: 'failed', number: null, failure_reason: expect.stringMatching(/still pending/) });
    expect(row.failure_reason).not.toContain(workflowIds.watchPendingOrders(input.phoneNumberId));
    expect(orders.map((order) => order.status)).toEqual(['failure']);
    expect((await harness.sandbox.ownedNumbers()).map((number) => number.phone_number)).not.toContain(orders[0]!.phone_numbers[0]!.phone_number);
    await harness.recordHistory('provision-order-pending-cancelled', handle);
  });

  it('when the carrier fails the order, then provisioning fails carrier_provisioning_failed', async () => {
    await harness.sandbox.configure({ order_completion: { mode: 'fail', delay_ms: 100 } });
    const { input, handle } = await provision();

    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'carrier_provisioning_failed', message: expect.stringMatching(/failed the order/) } });

    // The failed order put its number back on sale, so the row must not keep it as a live number.
    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'failed', number: null, failure_reason: expect.stringMatching(/failed the order/) });
    await harness.recordHistory('provision-order-fails', handle);
  });

  it('when attaching the number fails permanently, then compensation releases the bought number', async () => {
    await harness.sandbox.addFault({ method: 'PATCH', path: '/v2/phone_numbers/*', action: { type: 'error', status: 422, code: '10015' }, times: null });
    const { input, handle } = await provision();

    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'carrier_provisioning_failed' } });

    const row = await rowOf(input.phoneNumberId);
    expect(row).toMatchObject({ status: 'failed', provisioning_step: 'failed', number: null });
    const bought = (await harness.sandbox.orders()).filter((order) => order.customer_reference === handle.workflowId && order.status === 'success');
    expect(bought).toHaveLength(1);
    const owned = (await harness.sandbox.ownedNumbers()).map((number) => number.phone_number);
    expect(owned).not.toContain(bought[0]!.phone_numbers[0]!.phone_number);
    await harness.recordHistory('provision-attach-fails-compensated', handle);
  });

  it('when cancelled while the order is pending, then compensation cancels the order and nothing stays bought', async () => {
    await harness.sandbox.configure({ order_completion: { mode: 'delayed', delay_ms: 1500 } });
    const { input, handle } = await provision({ orderPollIntervalMs: 60_000 });
    await waitFor(async () => (await handle.query(progressQuery)).step === 'awaiting_completion', 'the order to be pending');

    await handle.cancel();

    await expect(handle.result()).rejects.toMatchObject({ name: 'WorkflowFailedError', cause: { name: 'CancelledFailure' } });
    const row = await rowOf(input.phoneNumberId);
    expect(row).toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/cancelled/) });
    const orders = (await harness.sandbox.orders()).filter((order) => order.customer_reference === handle.workflowId);
    expect(orders.map((order) => order.status)).toEqual(['failure']);
    expect((await harness.sandbox.ownedNumbers()).map((number) => number.phone_number)).not.toContain(orders[0]!.phone_numbers[0]!.phone_number);
    await harness.recordHistory('provision-cancelled-mid-order', handle);
  });

  it('when the identity does not exist, then it fails identity_not_found and writes no row', async () => {
    const { input, handle } = await provision({ agentHandle: 'nobody' });

    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'identity_not_found' } });

    expect(await harness.db.selectFrom('phone_numbers').select('id').where('id', '=', input.phoneNumberId).execute()).toEqual([]);
  });

  it('when the database already holds the bought number live elsewhere, then provisioning fails and releases it', async () => {
    // Every number the workflow's search can offer is already live in another organization's rows.
    const carrier = createTelnyxCarrier({ apiKey: 'test', baseURL: harness.sandboxBaseURL });
    const onOffer = await carrier.searchAvailable({ type: 'local', state: 'OR', limit: 20 });
    const stranger = await harness.db.insertInto('organizations').values({ name: `stranger-${randomUUID()}` }).returning('id').executeTakeFirstOrThrow();
    await harness.db
      .insertInto('phone_numbers')
      .values(
        onOffer.map((available) => ({
          id: randomUUID(),
          organization_id: stranger.id,
          number: available.phoneNumber,
          type: 'local' as const,
          status: 'active' as const,
          incoming_call_action: 'auto_reject' as const,
          workflow_id: 'elsewhere',
        })),
      )
      .execute();
    try {
      const { input, handle } = await provision();

      await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'carrier_provisioning_failed', message: expect.stringMatching(/phone_numbers_live_number_unique/) } });

      expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'failed' });
      const [bought] = (await harness.sandbox.orders()).filter((order) => order.customer_reference === handle.workflowId && order.status === 'success');
      expect(onOffer.map((available) => available.phoneNumber)).toContain(bought!.phone_numbers[0]!.phone_number);
      expect((await harness.sandbox.ownedNumbers()).map((owned) => owned.phone_number)).not.toContain(bought!.phone_numbers[0]!.phone_number);
    } finally {
      await harness.db.deleteFrom('organizations').where('id', '=', stranger.id).execute();
    }
  });
});
