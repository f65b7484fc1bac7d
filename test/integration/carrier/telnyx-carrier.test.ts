import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Carrier } from '../../../carrier/carrier.js';
import { carrierErrorTypes } from '../../../domain/carrier-failures.js';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import { startTestSandbox, type TestSandbox } from '../../support/start-test-sandbox.js';

let sandbox: TestSandbox;
let carrier: Carrier;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  carrier = createTelnyxCarrier({ apiKey: 'test-key', baseURL: sandbox.sandbox.baseURL, timeoutMs: 2_000 });
});
afterAll(() => sandbox.sandbox.stop());
beforeEach(() => sandbox.control.reset());

async function buyOne(type: 'local' | 'toll_free' = 'local', state: string | null = 'NY') {
  const [candidate] = await carrier.searchAvailable({ type, state, limit: 1 });
  const reference = `test-${randomUUID()}`;
  const order = await carrier.createOrder(candidate!.phoneNumber, reference);
  return { phoneNumber: candidate!.phoneNumber, reference, order };
}

describe('TelnyxCarrier against the sandbox', () => {
  it('when searching local numbers in a state, then every number carries one of that state\'s area codes', async () => {
    const found = await carrier.searchAvailable({ type: 'local', state: 'TX', limit: 5 });

    expect(found).toHaveLength(5);
    for (const number of found) {
      expect(number.state).toBe('TX');
      expect(['214', '512', '713', '817']).toContain(number.phoneNumber.slice(2, 5));
    }
  });

  it('when searching, then toll-free asks for quickship numbers and neither search takes best-effort results', async () => {
    await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 3 });
    await carrier.searchAvailable({ type: 'local', state: 'NY', limit: 3 });

    const [tollFree, local] = (await sandbox.control.requests())
      .filter((request) => request.path === '/v2/available_phone_numbers')
      .map((request) => new URLSearchParams(request.query));
    expect([tollFree!.get('filter[quickship]'), tollFree!.get('filter[best_effort]')]).toEqual(['true', 'false']);
    expect([local!.get('filter[quickship]'), local!.get('filter[best_effort]')]).toEqual([null, 'false']);
  });

  it('when searching toll-free numbers, then every number is 8xx and has no state', async () => {
    const found = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 3 });

    expect(found).toHaveLength(3);
    for (const number of found) {
      expect(number.phoneNumber).toMatch(/^\+18\d{9}$/);
      expect(number.state).toBeNull();
    }
  });

  it('when the state has no inventory, then the search fails with carrier_no_inventory', async () => {
    await sandbox.control.configure({ inventory: { local: { WY: 0 } } });

    await expect(carrier.searchAvailable({ type: 'local', state: 'WY', limit: 3 })).rejects.toMatchObject({
      type: carrierErrorTypes.noInventory,
      retryable: false,
    });
  });

  it('when a number is ordered in instant mode, then the order succeeds and the number leaves the inventory', async () => {
    const { phoneNumber, reference, order } = await buyOne();

    expect(order).toMatchObject({ status: 'success', phoneNumber, customerReference: reference });
    expect(order.id).toMatch(/^[0-9a-f-]{36}$/);
    const after = await carrier.searchAvailable({ type: 'local', state: 'NY', limit: 100 });
    expect(after.map((each) => each.phoneNumber)).not.toContain(phoneNumber);
  });

  it('when an order is delayed, then getOrder reads pending and later success', async () => {
    await sandbox.control.configure({ order_completion: { mode: 'delayed', delay_ms: 300 } });
    const { order } = await buyOne();

    expect(order.status).toBe('pending');
    await expect.poll(async () => (await carrier.getOrder(order.id)).status, { timeout: 5_000 }).toBe('success');
  });

  it('when an order is bought, then findOrdersByCustomerReference returns exactly that order', async () => {
    const { reference, order } = await buyOne();
    await buyOne();

    const found = await carrier.findOrdersByCustomerReference(reference);

    expect(found.map((each) => each.id)).toEqual([order.id]);
    expect(await carrier.findOrdersByCustomerReference(`missing-${randomUUID()}`)).toEqual([]);
  });

  it('when an order succeeded, then findNumber returns the numeric resource id, not the order line id', async () => {
    const { phoneNumber, reference } = await buyOne();

    const owned = await carrier.findNumber(phoneNumber);

    expect(owned).toMatchObject({ phoneNumber, status: 'active' });
    expect(owned!.id).toMatch(/^\d+$/);
    const [line] = (await sandbox.control.orders()).at(-1)!.phone_numbers;
    expect(owned!.id).not.toBe(line!.id);
  });

  it('when looking a number up, then the filter carries its digits only, as Telnyx documents', async () => {
    const { phoneNumber } = await buyOne();

    const owned = await carrier.findNumber(phoneNumber);

    expect(owned?.phoneNumber).toBe(phoneNumber);
    const lookups = (await sandbox.control.requests()).filter((request) => request.path === '/v2/phone_numbers');
    expect(lookups).toHaveLength(1);
    expect(new URLSearchParams(lookups[0]!.query).get('filter[phone_number]')).toBe(phoneNumber.slice(1));
  });

  it('when the account owns no such number, then findNumber returns null', async () => {
    await buyOne();

    expect(await carrier.findNumber('+19999999999')).toBeNull();
  });

  it('when attaching a number to a connection, then the carrier reports the connection and tags', async () => {
    const { phoneNumber } = await buyOne();
    const owned = await carrier.findNumber(phoneNumber);

    const attached = await carrier.attachToConnection(owned!.id, { connectionId: 'connection-1', tags: ['agent:a'], customerReference: 'provision/x' });

    expect(attached).toMatchObject({ id: owned!.id, connectionId: 'connection-1', tags: ['agent:a'], customerReference: 'provision/x' });
    const [inSandbox] = await sandbox.control.ownedNumbers();
    expect(inSandbox).toMatchObject({ connection_id: 'connection-1', tags: ['agent:a'], customer_reference: 'provision/x' });
  });

  it('when attaching without a reference, then the PATCH leaves customer_reference out', async () => {
    const { phoneNumber } = await buyOne();
    const owned = await carrier.findNumber(phoneNumber);
    await carrier.attachToConnection(owned!.id, { connectionId: 'connection-1', tags: [], customerReference: 'provision/first' });

    await carrier.attachToConnection(owned!.id, { connectionId: 'connection-2', tags: [] });

    const [inSandbox] = await sandbox.control.ownedNumbers();
    expect(inSandbox).toMatchObject({ connection_id: 'connection-2', customer_reference: 'provision/first' });
  });

  it('when releasing a number twice, then the first says released and the second already_released', async () => {
    const { phoneNumber } = await buyOne('toll_free', null);
    const owned = await carrier.findNumber(phoneNumber);

    expect(await carrier.releaseNumber(owned!.id)).toBe('released');
    expect(await carrier.releaseNumber(owned!.id)).toBe('already_released');
    expect(await carrier.findNumber(phoneNumber)).toBeNull();
  });

  it('when a released number is searched for again, then it does not come back at once', async () => {
    const { phoneNumber } = await buyOne('toll_free', null);
    await carrier.releaseNumber((await carrier.findNumber(phoneNumber))!.id);

    const found = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 100 });

    expect(found.map((each) => each.phoneNumber)).not.toContain(phoneNumber);
  });

  it('when the account owns more than one page of numbers, then findNumber and listOwnedNumbers see all of them', async () => {
    await sandbox.control.configure({ inventory: { toll_free: 300 } });
    for (let round = 0; round < 3; round += 1) {
      for (const each of await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 100 })) {
        await carrier.createOrder(each.phoneNumber, `bulk-${randomUUID()}`);
      }
    }
    const owned = await sandbox.control.ownedNumbers();
    expect(owned.length).toBeGreaterThan(250);
    const last = owned.at(-1)!;

    const listed = await carrier.listOwnedNumbers();
    const found = await carrier.findNumber(last.phone_number);

    expect(listed).toHaveLength(owned.length);
    expect(new Set(listed.map((each) => each.id)).size).toBe(owned.length);
    expect(found?.id).toBe(last.id);
    const secondPages = (await sandbox.control.requests()).filter(
      (request) => request.path === '/v2/phone_numbers' && request.query.includes('page%5Bnumber%5D=2'),
    );
    expect(secondPages).toHaveLength(1);
  });

  it('when fewer than three digits are asked for, then findNumber answers null without asking Telnyx', async () => {
    await buyOne('toll_free', null);

    expect(await carrier.findNumber('+18')).toBeNull();
    expect((await sandbox.control.requests()).filter((request) => request.path === '/v2/phone_numbers')).toEqual([]);
  });

  it('when a call sets a timeout shorter than the client default, then the call gives up at its own timeout', async () => {
    await sandbox.control.addFault({ path: '/v2/number_orders/*', action: { type: 'hang' } });

    await expect(carrier.getOrder(randomUUID(), { timeoutMs: 200, maxRetries: 0 })).rejects.toMatchObject({
      type: carrierErrorTypes.unavailable,
      message: expect.stringMatching(/timed out/i),
    });
  });

  it('when the caller aborts, then the in-flight call is aborted', async () => {
    await sandbox.control.addFault({ path: '/v2/number_orders/*', action: { type: 'hang' } });
    const abort = new AbortController();

    const pending = carrier.getOrder(randomUUID(), { signal: abort.signal, timeoutMs: 60_000 });
    await expect.poll(async () => (await sandbox.control.requests()).length).toBe(1);
    abort.abort();

    await expect(pending).rejects.toMatchObject({ message: expect.stringMatching(/abort/i) });
  });

  it('when a pending order is cancelled, then its sub-orders are cancelled and the order ends failure', async () => {
    await sandbox.control.configure({ order_completion: { mode: 'never' } });
    const { order } = await buyOne();
    expect(order.subOrderIds.length).toBeGreaterThan(0);

    const outcomes = await Promise.all(order.subOrderIds.map((id) => carrier.cancelSubOrder(id)));

    expect(outcomes.every((outcome) => outcome === 'cancelled')).toBe(true);
    expect((await carrier.getOrder(order.id)).status).toBe('failure');
  });

  it('when a sub-order is no longer pending, then the cancel is refused, not an error', async () => {
    const { order } = await buyOne();
    expect(order.status).toBe('success');

    expect(await carrier.cancelSubOrder(order.subOrderIds[0]!)).toBe('refused');
  });

  it('when the phone_number filter matches loosely, then findNumber still returns only the exact number', async () => {
    const { phoneNumber } = await buyOne();
    const owned = await carrier.findNumber(phoneNumber);

    const prefixOnly = await carrier.findNumber(phoneNumber.slice(0, 8));

    expect(owned?.phoneNumber).toBe(phoneNumber);
    expect(prefixOnly).toBeNull();
  });
});
