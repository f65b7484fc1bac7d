import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCarrierActivities } from '../../../activities/carrier-activities.js';
import { numberNotReadyType, releaseErrorsMetric } from '../../../activities/carrier-failure.js';
import type { Carrier } from '../../../carrier/carrier.js';
import { carrierErrorTypes } from '../../../domain/carrier-failures.js';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import { orderUnconfirmedType, orderUnreconciledType } from '../../../activities/place-order.js';
import { startTestSandbox, type TestSandbox } from '../../support/start-test-sandbox.js';
import { activityContext } from './activity-context.js';

let sandbox: TestSandbox;
let carrier: Carrier;
let activities: ReturnType<typeof createCarrierActivities>;
const orderListSettleMs = 45_000;
const config = { TELNYX_CONNECTION_ID: 'connection-7', DEPLOYMENT_ID: 'deploy-a', CARRIER_LIST_LAG_MS: orderListSettleMs };

beforeAll(async () => {
  sandbox = await startTestSandbox();
  // The client defaults (retries, a long timeout) are what the activities must override per call.
  carrier = createTelnyxCarrier({ apiKey: 'test-key', baseURL: sandbox.sandbox.baseURL, timeoutMs: 60_000, maxRetries: 2 });
  activities = createCarrierActivities({ carrier, config });
});
afterAll(() => sandbox.sandbox.stop());
beforeEach(() => sandbox.control.reset());

/** Places an order through the activity, as provisioning does, under a fresh workflow id. */
async function order(type: 'local' | 'toll_free' = 'toll_free') {
  const [candidate] = await carrier.searchAvailable({ type, state: type === 'local' ? 'NY' : null, limit: 1 });
  const customerReference = `provision/${randomUUID()}`;
  const placed = await activityContext().run(() => activities.placeOrder({ phoneNumber: candidate!.phoneNumber, customerReference }));
  return { phoneNumber: candidate!.phoneNumber, customerReference, placed };
}

const deletes = async () => (await sandbox.control.requests()).filter((request) => request.method === 'DELETE');

const orderCreates = async () => (await sandbox.control.requests()).filter((request) => request.method === 'POST' && request.path === '/v2/number_orders');

/** The details an attempt's last heartbeat carried: what Temporal hands the next attempt. */
const lastHeartbeat = (context: ReturnType<typeof activityContext>) => context.heartbeats.at(-1);

/** An attempt of placeOrder as the carrierOrder preset runs it (it heartbeats), resuming from `heartbeatDetails`. */
const orderAttempt = (heartbeatDetails?: unknown) => activityContext({ heartbeatTimeoutMs: 10_000, heartbeatDetails });

describe('placeOrder', () => {
  it('when the create commits then answers 500 and the order list lags 2 s, then later attempts adopt that order and never order again', async () => {
    await sandbox.control.configure({ order_list_lag_ms: 2_000 });
    await sandbox.control.addFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'commit_then_error', status: 500 }, times: 1 });
    const [candidate] = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 1 });
    const input = { phoneNumber: candidate!.phoneNumber, customerReference: `provision/${randomUUID()}` };
    const first = orderAttempt();
    await expect(first.run(() => activities.placeOrder(input))).rejects.toMatchObject({ type: carrierErrorTypes.unavailable, nonRetryable: false });

    // Retried as Temporal retries it: each attempt gets the previous one's last heartbeat, until one succeeds.
    let details = lastHeartbeat(first);
    let placed: Awaited<ReturnType<typeof activities.placeOrder>> | undefined;
    const failures: unknown[] = [];
    while (!placed) {
      const attempt = orderAttempt(details);
      placed = await attempt.run(() => activities.placeOrder(input)).catch((error: unknown) => void failures.push(error));
      details = lastHeartbeat(attempt) ?? details;
      if (!placed) await new Promise((resolve) => setTimeout(resolve, Number((failures.at(-1) as ApplicationFailure).nextRetryDelay ?? 1_000)));
    }

    expect(failures.length, 'the first retry came before the list showed the order').toBeGreaterThan(0);
    expect(failures).toEqual(failures.map(() => expect.objectContaining({ type: orderUnconfirmedType, nonRetryable: false })));
    const orders = (await sandbox.control.orders()).filter((order) => order.customer_reference === input.customerReference);
    expect(orders.map((order) => order.id)).toEqual([placed.id]);
    expect(placed.phoneNumber).toBe(input.phoneNumber);
    expect(await orderCreates()).toHaveLength(1);
  });

  it('when an attempt comes within the window after a create whose answer was lost, then it does not create again and says the order may exist', async () => {
    await sandbox.control.configure({ order_list_lag_ms: 600_000 });
    const [candidate] = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 1 });
    const sentAtMs = Date.now() - 1_000;

    const failure = await orderAttempt({ unconfirmed: { phoneNumber: candidate!.phoneNumber, sentAtMs } })
      .run(() => activities.placeOrder({ phoneNumber: candidate!.phoneNumber, customerReference: `provision/${randomUUID()}` }))
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: orderUnconfirmedType, nonRetryable: false });
    expect((failure as ApplicationFailure).details).toEqual([{ maybePlacedOrder: { phoneNumber: candidate!.phoneNumber, listedByMs: sentAtMs + orderListSettleMs } }]);
    expect(await orderCreates()).toEqual([]);
  });

  it('when the window has passed and the create answers taken for the number whose create was lost, then it fails unreconciled, not taken', async () => {
    await sandbox.control.configure({ order_list_lag_ms: 600_000 });
    const [candidate] = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 1 });
    const customerReference = `provision/${randomUUID()}`;
    await carrier.createOrder(candidate!.phoneNumber, customerReference);

    const failure = await orderAttempt({ unconfirmed: { phoneNumber: candidate!.phoneNumber, sentAtMs: Date.now() - orderListSettleMs - 1_000 } })
      .run(() => activities.placeOrder({ phoneNumber: candidate!.phoneNumber, customerReference }))
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ type: orderUnreconciledType, nonRetryable: true });
    expect((failure as ApplicationFailure).details).toEqual([{ maybePlacedOrder: expect.objectContaining({ phoneNumber: candidate!.phoneNumber }) }]);
    expect(await sandbox.control.ownedNumbers()).toHaveLength(1);
  });

  it('when the window has passed and no order was placed, then the number is ordered', async () => {
    const [candidate] = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 1 });
    const customerReference = `provision/${randomUUID()}`;

    const placed = await orderAttempt({ unconfirmed: { phoneNumber: candidate!.phoneNumber, sentAtMs: Date.now() - orderListSettleMs - 1_000 } }).run(() =>
      activities.placeOrder({ phoneNumber: candidate!.phoneNumber, customerReference }),
    );

    expect(placed).toMatchObject({ phoneNumber: candidate!.phoneNumber, customerReference });
    expect(await orderCreates()).toHaveLength(1);
  });

  it('when a first attempt orders, then its first heartbeat (the one Temporal sends at once) carries the create it is about to send', async () => {
    const [candidate] = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 1 });
    const attempt = orderAttempt();

    const placed = await attempt.run(() => activities.placeOrder({ phoneNumber: candidate!.phoneNumber, customerReference: `provision/${randomUUID()}` }));

    expect(placed.phoneNumber).toBe(candidate!.phoneNumber);
    expect(attempt.heartbeats[0]).toEqual({ unconfirmed: { phoneNumber: candidate!.phoneNumber, sentAtMs: expect.any(Number) } });
  });

  it('when a first create is refused as taken, then it fails carrier_number_taken so the next candidate is tried', async () => {
    await sandbox.control.addFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'taken' }, times: 1 });
    const [candidate] = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 1 });

    const failure = await orderAttempt()
      .run(() => activities.placeOrder({ phoneNumber: candidate!.phoneNumber, customerReference: `provision/${randomUUID()}` }))
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ type: carrierErrorTypes.numberTaken, nonRetryable: true });
    expect((failure as ApplicationFailure).details ?? []).toEqual([]);
  });
});

describe('configureNumber', () => {
  it('when a number was bought, then it is found by digits and gets the connection, the three tags and the workflow id', async () => {
    const { phoneNumber, customerReference } = await order();

    const { carrierNumberId } = await activityContext().run(() =>
      activities.configureNumber({ phoneNumber, organizationId: 'org-1', customerReference }),
    );

    const [owned] = await sandbox.control.ownedNumbers();
    expect(owned).toMatchObject({
      id: carrierNumberId,
      connection_id: 'connection-7',
      customer_reference: customerReference,
      tags: ['inkbox-numbers', 'deployment:deploy-a', 'org:org-1'],
    });
    const lookups = (await sandbox.control.requests()).filter((request) => request.method === 'GET' && request.path === '/v2/phone_numbers');
    expect(lookups.every((request) => !decodeURIComponent(request.query).includes('+'))).toBe(true);
  });

  it('when no workflow id is given, then the number keeps its reference unset', async () => {
    const { phoneNumber } = await order();

    await activityContext().run(() => activities.configureNumber({ phoneNumber, organizationId: 'org-1' }));

    const [owned] = await sandbox.control.ownedNumbers();
    expect(owned?.customer_reference).toBeNull();
  });

  it('when the carrier answers 503 once, then the activity fails that attempt instead of retrying inside the SDK', async () => {
    const { phoneNumber } = await order();
    await sandbox.control.addFault({ method: 'GET', path: '/v2/phone_numbers', action: { type: 'error', status: 503 }, times: 1 });

    const failure = await activityContext()
      .run(() => activities.configureNumber({ phoneNumber, organizationId: 'org-1' }))
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: carrierErrorTypes.unavailable, nonRetryable: false });
    expect((await sandbox.control.requests()).filter((request) => request.path === '/v2/phone_numbers')).toHaveLength(1);
  });

  it('when the carrier hangs, then the call times out within the start-to-close, not at the client default', async () => {
    const { phoneNumber } = await order();
    await sandbox.control.addFault({ method: 'GET', path: '/v2/phone_numbers', action: { type: 'hang' } });

    await expect(
      activityContext({ startToCloseTimeoutMs: 1_500 }).run(() => activities.configureNumber({ phoneNumber, organizationId: 'org-1' })),
    ).rejects.toMatchObject({ type: carrierErrorTypes.unavailable, nonRetryable: false, message: expect.stringMatching(/timed out/i) });
  });

  it('when the activity is cancelled while the carrier call hangs, then the call is aborted and the activity ends cancelled', async () => {
    const { phoneNumber } = await order();
    await sandbox.control.addFault({ method: 'GET', path: '/v2/phone_numbers', action: { type: 'hang' } });
    const context = activityContext({ startToCloseTimeoutMs: 600_000, heartbeatTimeoutMs: 3_000 });

    const running = context.run(() => activities.configureNumber({ phoneNumber, organizationId: 'org-1' }));
    await expect.poll(async () => (await sandbox.control.requests()).filter((request) => request.path === '/v2/phone_numbers').length).toBe(1);
    // It heartbeats while the call hangs (the first beat after one interval), which is how a cancel reaches it.
    await expect.poll(() => context.heartbeats.length, { timeout: 5_000 }).toBeGreaterThan(0);
    context.cancel();

    await expect(running).rejects.toBeInstanceOf(CancelledFailure);
  });

  it('when the order is unknown, then getOrder stays a permanent carrier_not_found', async () => {
    await expect(activityContext().run(() => activities.getOrder(randomUUID()))).rejects.toMatchObject({
      type: carrierErrorTypes.notFound,
      nonRetryable: true,
    });
  });
});

describe('releaseOrderedNumbers', () => {
  it('when the order succeeded and its number is configured, then the number is released', async () => {
    const { phoneNumber, customerReference } = await order();
    await activityContext().run(() => activities.configureNumber({ phoneNumber, organizationId: 'org-1', customerReference }));

    const result = await activityContext().run(() => activities.releaseOrderedNumbers(customerReference));

    expect(result).toEqual({ released: [phoneNumber], pendingOrders: 0 });
    expect(await sandbox.control.ownedNumbers()).toEqual([]);
  });

  it('when the order succeeded but its number is not listed, then the activity fails retryably instead of reading "nothing bought"', async () => {
    const { phoneNumber, customerReference } = await order();
    const owned = await carrier.findNumber(phoneNumber);
    await carrier.releaseNumber(owned!.id);
    const context = activityContext();

    const failure = await context.run(() => activities.releaseOrderedNumbers(customerReference)).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: numberNotReadyType, nonRetryable: false });
    expect(context.counted).toContainEqual(expect.objectContaining({ name: releaseErrorsMetric, tags: expect.objectContaining({ error_type: numberNotReadyType }) }));
  });

  it('when the order is older than the list lag and its number is no longer listed, then it counts as already released', async () => {
    const { phoneNumber, customerReference } = await order();
    await carrier.releaseNumber((await carrier.findNumber(phoneNumber))!.id);
    const withoutLag = createCarrierActivities({ carrier, config: { ...config, CARRIER_LIST_LAG_MS: 0 } });

    const result = await activityContext().run(() => withoutLag.releaseOrderedNumbers(customerReference));

    expect(result).toEqual({ released: [phoneNumber], pendingOrders: 0 });
  });

  it('when an earlier attempt released the number (heartbeat details), then a retry counts it released instead of failing', async () => {
    const { phoneNumber, customerReference } = await order();
    await carrier.releaseNumber((await carrier.findNumber(phoneNumber))!.id);

    const result = await activityContext({ heartbeatDetails: { released: [phoneNumber] } }).run(() =>
      activities.releaseOrderedNumbers(customerReference),
    );

    expect(result).toEqual({ released: [phoneNumber], pendingOrders: 0 });
  });

  it('when the number is still purchase-pending, then it is not deleted and counts as pending', async () => {
    await sandbox.control.configure({ purchase_pending_ms: 600_000 });
    const { customerReference } = await order();

    const result = await activityContext().run(() => activities.releaseOrderedNumbers(customerReference));

    expect(result).toEqual({ released: [], pendingOrders: 1 });
    expect(await deletes()).toEqual([]);
  });

  it('when the order is still pending, then its sub-orders are cancelled and nothing is left to wait for', async () => {
    await sandbox.control.configure({ order_completion: { mode: 'never' } });
    const { customerReference, placed } = await order();

    const result = await activityContext().run(() => activities.releaseOrderedNumbers(customerReference));

    expect(result).toEqual({ released: [], pendingOrders: 0 });
    const cancels = (await sandbox.control.requests()).filter((request) => request.method === 'PATCH' && request.path.endsWith('/cancel'));
    expect(cancels.length).toBeGreaterThan(0);
    expect((await sandbox.control.orders()).find((each) => each.id === placed.id)?.status).toBe('failure');
  });

  it('when the carrier refuses the cancel, then the order is read again and, still pending, counts as pending', async () => {
    await sandbox.control.configure({ order_completion: { mode: 'never' } });
    const { customerReference } = await order();
    await sandbox.control.addFault({ method: 'PATCH', path: '/v2/sub_number_orders/*', action: { type: 'error', status: 422, code: '10015' }, times: null });

    const result = await activityContext().run(() => activities.releaseOrderedNumbers(customerReference));

    expect(result).toEqual({ released: [], pendingOrders: 1 });
  });

  it('when the order list lags, then an order id the workflow saw is read directly and its number released', async () => {
    const { phoneNumber, customerReference, placed } = await order();
    await sandbox.control.configure({ order_list_lag_ms: 600_000 });

    const result = await activityContext().run(() => activities.releaseOrderedNumbers({ customerReference, orderIds: [placed.id] }));

    expect(result).toEqual({ released: [phoneNumber], pendingOrders: 0 });
  });

  it('when an order may have been placed and the lagging list does not show it yet, then it counts as pending until listed, then its number is released', async () => {
    await sandbox.control.configure({ order_list_lag_ms: 2_000 });
    const [candidate] = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 1 });
    const customerReference = `provision/${randomUUID()}`;
    await carrier.createOrder(candidate!.phoneNumber, customerReference);
    const input = { customerReference, maybePlacedOrder: { phoneNumber: candidate!.phoneNumber, listedByMs: Date.now() + orderListSettleMs } };

    const early = await activityContext().run(() => activities.releaseOrderedNumbers(input));
    await expect.poll(async () => (await carrier.findOrdersByCustomerReference(customerReference)).length, { timeout: 10_000 }).toBe(1);
    const later = await activityContext().run(() => activities.releaseOrderedNumbers(input));

    expect(early).toEqual({ released: [], pendingOrders: 1 });
    expect(later).toEqual({ released: [candidate!.phoneNumber], pendingOrders: 0 });
    expect(await sandbox.control.ownedNumbers()).toEqual([]);
  });

  it('when an order that may have been placed is still unlisted after the list should show it, then nothing is left to wait for', async () => {
    const [candidate] = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 1 });
    const context = activityContext();

    const result = await context.run(() =>
      activities.releaseOrderedNumbers({ customerReference: `provision/${randomUUID()}`, maybePlacedOrder: { phoneNumber: candidate!.phoneNumber, listedByMs: Date.now() - 1 } }),
    );

    expect(result).toEqual({ released: [], pendingOrders: 0 });
    expect(context.logged).toContainEqual(expect.objectContaining({ level: 'WARN', message: expect.stringMatching(/never listed/) }));
  });

  it('when the account is on hold, then compensation fails retryably with the authentication type, logged and counted', async () => {
    const { customerReference } = await order();
    await sandbox.control.configure({ account_on_hold: true });
    const context = activityContext();

    const failure = await context.run(() => activities.releaseOrderedNumbers(customerReference)).catch((error: unknown) => error);

    expect(failure).toMatchObject({ type: carrierErrorTypes.authentication, nonRetryable: false });
    expect(context.logged).toContainEqual(
      expect.objectContaining({ level: 'WARN', meta: expect.objectContaining({ status: 403, errorType: carrierErrorTypes.authentication }) }),
    );
  });
});

describe('releaseNumberAtCarrier', () => {
  it.each([
    [401, carrierErrorTypes.authentication],
    [403, carrierErrorTypes.authentication],
    [422, carrierErrorTypes.invalidRequest],
  ])('when the delete is answered %i, then the failure is retryable %s, logged with the carrier status and counted', async (status, type) => {
    const { phoneNumber } = await order();
    const owned = await carrier.findNumber(phoneNumber);
    await sandbox.control.addFault({ method: 'DELETE', path: '/v2/phone_numbers/*', action: { type: 'error', status } });
    const context = activityContext();

    const failure = await context.run(() => activities.releaseNumberAtCarrier({ carrierNumberId: owned!.id })).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type, nonRetryable: false });
    expect(context.logged).toContainEqual(expect.objectContaining({ level: 'WARN', meta: expect.objectContaining({ status, errorType: type }) }));
    expect(context.counted).toEqual([{ name: releaseErrorsMetric, value: 1, tags: { error_type: type, operation: 'number release' } }]);
    expect(await sandbox.control.ownedNumbers()).toHaveLength(1);
  });

  it('when the carrier no longer has the number, then the release succeeds', async () => {
    const { phoneNumber } = await order();
    const owned = await carrier.findNumber(phoneNumber);
    await carrier.releaseNumber(owned!.id);

    await expect(activityContext().run(() => activities.releaseNumberAtCarrier({ carrierNumberId: owned!.id }))).resolves.toBeUndefined();
  });
});
