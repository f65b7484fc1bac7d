import { NotFoundError, UnprocessableEntityError } from 'telnyx';
import { describe, expect, it } from 'vitest';
import { useSandboxThroughSdk } from '../../support/sandbox-through-sdk.js';

// Number orders and sub number orders as Telnyx documents them (node_modules/telnyx/resources/number-orders.d.ts,
// sub-number-orders.d.ts), exercised through the official SDK over HTTP.

const sdk = useSandboxThroughSdk();

async function order(customerReference: string, types: ('toll_free' | 'local')[] = ['toll_free']) {
  const phoneNumbers = [];
  for (const type of types) {
    const search = await sdk.client.availablePhoneNumbers.list({ filter: { phone_number_type: type, limit: 1 } });
    phoneNumbers.push({ phone_number: search.data![0]!.phone_number! });
  }
  return (await sdk.client.numberOrders.create({ phone_numbers: phoneNumbers, customer_reference: customerReference })).data!;
}

async function listByReference(customerReference: string) {
  const orders = [];
  for await (const each of sdk.client.numberOrders.list({ filter: { customer_reference: customerReference } })) orders.push(each);
  return orders;
}

async function phoneNumberStatuses(digits: string): Promise<string[]> {
  const statuses = [];
  for await (const number of sdk.client.phoneNumbers.list({ filter: { phone_number: digits } })) statuses.push(number.status);
  return statuses;
}

describe('order lists by customer_reference', () => {
  it('when order_list_lag_ms is set, then a new order is missing from the list by reference but found by id', async () => {
    await sdk.sandbox.control.configure({ order_list_lag_ms: 60_000 });

    const created = await order('ref-lagging');

    expect(await listByReference('ref-lagging')).toEqual([]);
    expect((await sdk.client.numberOrders.retrieve(created.id!)).data?.id).toBe(created.id);
  });

  it('when the lag has passed, then the order is in the list by reference', async () => {
    await sdk.sandbox.control.configure({ order_list_lag_ms: 200 });
    const created = await order('ref-settling');

    await expect.poll(async () => (await listByReference('ref-settling')).map((each) => each.id), { timeout: 5_000 }).toEqual([created.id]);
  });

  it('when no lag is configured, then a new order is listed at once', async () => {
    const created = await order('ref-immediate');

    expect((await listByReference('ref-immediate')).map((each) => each.id)).toEqual([created.id]);
  });
});

describe('sub number orders', () => {
  it('when an order has a toll-free and a local number, then it carries one sub-order id per number type', async () => {
    const created = await order('ref-split', ['toll_free', 'local']);

    const subOrders = await Promise.all(created.sub_number_orders_ids!.map(async (id) => (await sdk.client.subNumberOrders.retrieve(id)).data!));

    expect(subOrders.map((each) => each.phone_number_type).sort()).toEqual(['local', 'toll_free']);
    expect(subOrders.map((each) => each.order_request_id)).toEqual([created.id, created.id]);
  });

  it('when a sub-order is retrieved with include_phone_numbers, then it lists its numbers', async () => {
    const created = await order('ref-include');

    const subOrder = (await sdk.client.subNumberOrders.retrieve(created.sub_number_orders_ids![0]!, { filter: { include_phone_numbers: true } })).data!;
    const plain = (await sdk.client.subNumberOrders.retrieve(created.sub_number_orders_ids![0]!)).data!;

    expect(subOrder.phone_numbers?.map((each) => each.phone_number)).toEqual([created.phone_numbers![0]!.phone_number]);
    expect(plain.phone_numbers).toBeUndefined();
  });

  it('when a pending sub-order is cancelled, then its numbers leave the account and the order ends failure', async () => {
    await sdk.sandbox.control.configure({ order_completion: { mode: 'never' } });
    const created = await order('ref-cancel');
    const digits = created.phone_numbers![0]!.phone_number!.slice(1);
    const before = await phoneNumberStatuses(digits);

    const cancelled = await sdk.client.subNumberOrders.cancel(created.sub_number_orders_ids![0]!);
    const after = (await sdk.client.numberOrders.retrieve(created.id!)).data!;

    expect(before).toEqual(['purchase-pending']);
    expect(cancelled.data?.status).toBe('failure');
    expect(after.status).toBe('failure');
    expect(after.phone_numbers![0]).toMatchObject({ status: 'failure', requirements_status: 'cancelled' });
    expect(await phoneNumberStatuses(digits)).toEqual([]);
  });

  it('when a sub-order that already succeeded is cancelled, then it answers 422 and the number stays active', async () => {
    const created = await order('ref-too-late');

    const cancelling = sdk.client.subNumberOrders.cancel(created.sub_number_orders_ids![0]!);

    await expect(cancelling).rejects.toBeInstanceOf(UnprocessableEntityError);
    await expect(cancelling).rejects.toMatchObject({ error: { errors: [expect.objectContaining({ code: '10015' })] } });
    expect(await phoneNumberStatuses(created.phone_numbers![0]!.phone_number!.slice(1))).toEqual(['active']);
  });

  it('when one of two sub-orders is cancelled, then the order stays pending until the other settles', async () => {
    await sdk.sandbox.control.configure({ order_completion: { mode: 'never' } });
    const created = await order('ref-half', ['toll_free', 'local']);

    await sdk.client.subNumberOrders.cancel(created.sub_number_orders_ids![0]!);
    const halfway = (await sdk.client.numberOrders.retrieve(created.id!)).data!.status;
    await sdk.sandbox.control.completeOrder(created.id!, 'success');
    const subOrders = await Promise.all(created.sub_number_orders_ids!.map(async (id) => (await sdk.client.subNumberOrders.retrieve(id)).data!.status));

    expect(halfway).toBe('pending');
    expect(subOrders).toEqual(['failure', 'success']);
  });

  it('when the sub-order id is unknown, then retrieve and cancel answer 404', async () => {
    const id = '00000000-0000-4000-8000-000000000000';

    await expect(sdk.client.subNumberOrders.retrieve(id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(sdk.client.subNumberOrders.cancel(id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
