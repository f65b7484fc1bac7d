import { NotFoundError, UnprocessableEntityError } from 'telnyx';
import { describe, expect, it } from 'vitest';
import { useSandboxThroughSdk } from '../../support/sandbox-through-sdk.js';

// Phone-number resources as Telnyx documents them (node_modules/telnyx/resources/phone-numbers/phone-numbers.d.ts),
// exercised through the official SDK over HTTP.

const sdk = useSandboxThroughSdk();

async function buy(customerReference: string | undefined = undefined): Promise<{ phoneNumber: string; orderId: string; status: string }> {
  const search = await sdk.client.availablePhoneNumbers.list({ filter: { phone_number_type: 'toll_free', limit: 1 } });
  const phoneNumber = search.data![0]!.phone_number!;
  const order = await sdk.client.numberOrders.create({ phone_numbers: [{ phone_number: phoneNumber }], customer_reference: customerReference });
  return { phoneNumber, orderId: order.data!.id!, status: order.data!.status! };
}

async function listByFilter(phoneNumber: string) {
  const numbers = [];
  for await (const number of sdk.client.phoneNumbers.list({ filter: { phone_number: phoneNumber } })) numbers.push(number);
  return numbers;
}

describe('filter[phone_number] on GET /v2/phone_numbers', () => {
  it('when the filter is the number in E.164 with its +, then no values are returned', async () => {
    const { phoneNumber } = await buy();

    const found = await listByFilter(phoneNumber);

    expect(found).toEqual([]);
  });

  it('when the filter is the number as digits only, then that number is returned', async () => {
    const { phoneNumber } = await buy();

    const found = await listByFilter(phoneNumber.slice(1));

    expect(found.map((each) => each.phone_number)).toEqual([phoneNumber]);
  });

  it('when the filter is fewer than three digits, then no values are returned', async () => {
    const { phoneNumber } = await buy();

    const found = await listByFilter(phoneNumber.slice(2, 4));

    expect(found).toEqual([]);
  });

  it('when the filter is three or more digits from the middle of a number, then it matches partially', async () => {
    const { phoneNumber } = await buy();

    const found = await listByFilter(phoneNumber.slice(4, 9));

    expect(found.map((each) => each.phone_number)).toContain(phoneNumber);
  });
});

describe('numbers of an order', () => {
  it('when an order is pending, then its numbers are already listed as purchase-pending', async () => {
    await sdk.sandbox.control.configure({ order_completion: { mode: 'never' } });
    const { phoneNumber, status } = await buy();

    const [listed] = await listByFilter(phoneNumber.slice(1));

    expect(status).toBe('pending');
    expect(listed).toMatchObject({ phone_number: phoneNumber, status: 'purchase-pending' });
  });

  it('when a pending order succeeds, then its numbers read active', async () => {
    await sdk.sandbox.control.configure({ order_completion: { mode: 'never' } });
    const { phoneNumber, orderId } = await buy();

    await sdk.sandbox.control.completeOrder(orderId, 'success');
    const [listed] = await listByFilter(phoneNumber.slice(1));

    expect(listed).toMatchObject({ phone_number: phoneNumber, status: 'active' });
  });

  it('when a pending order fails, then its numbers are no longer listed', async () => {
    await sdk.sandbox.control.configure({ order_completion: { mode: 'never' } });
    const { phoneNumber, orderId } = await buy();

    await sdk.sandbox.control.completeOrder(orderId, 'failure');

    expect(await listByFilter(phoneNumber.slice(1))).toEqual([]);
  });

  it("when an order carries a customer_reference, then its numbers' customer_reference stays null", async () => {
    const { phoneNumber } = await buy('provision/org/key');

    const [listed] = await listByFilter(phoneNumber.slice(1));

    expect(listed).toMatchObject({ phone_number: phoneNumber, customer_reference: null });
  });

  it("when an order carries a connection_id, then its numbers carry it (documented as the numbers' connection)", async () => {
    const search = await sdk.client.availablePhoneNumbers.list({ filter: { phone_number_type: 'toll_free', limit: 1 } });
    const phoneNumber = search.data![0]!.phone_number!;
    await sdk.client.numberOrders.create({ phone_numbers: [{ phone_number: phoneNumber }], connection_id: 'conn-from-order' });

    const [listed] = await listByFilter(phoneNumber.slice(1));

    expect(listed).toMatchObject({ phone_number: phoneNumber, connection_id: 'conn-from-order' });
  });

  it('when a number is PATCHed with connection_id, tags and customer_reference, then it carries all three', async () => {
    const { phoneNumber } = await buy('provision/org/key');
    const [listed] = await listByFilter(phoneNumber.slice(1));

    await sdk.client.phoneNumbers.update(listed!.id, { connection_id: 'conn-1', tags: ['a', 'b'], customer_reference: 'provision/org/key' });
    const fetched = await sdk.client.phoneNumbers.retrieve(listed!.id);

    expect(fetched.data).toMatchObject({ connection_id: 'conn-1', tags: ['a', 'b'], customer_reference: 'provision/org/key' });
  });
});

describe('DELETE /v2/phone_numbers/{id}', () => {
  it('when the number is purchase-pending, then deleting it answers 422 and it stays', async () => {
    await sdk.sandbox.control.configure({ order_completion: { mode: 'never' } });
    const { phoneNumber } = await buy();
    const [listed] = await listByFilter(phoneNumber.slice(1));

    const deleting = sdk.client.phoneNumbers.delete(listed!.id);

    await expect(deleting).rejects.toBeInstanceOf(UnprocessableEntityError);
    await expect(deleting).rejects.toMatchObject({ status: 422, error: { errors: [expect.objectContaining({ code: '10015' })] } });
    expect(await listByFilter(phoneNumber.slice(1))).toHaveLength(1);
  });

  it('when the number still reads purchase-pending after its order succeeded, then deleting it answers 422', async () => {
    await sdk.sandbox.control.configure({ purchase_pending_ms: 60_000 });
    const { phoneNumber, status } = await buy();
    const [listed] = await listByFilter(phoneNumber.slice(1));

    expect([status, listed!.status]).toEqual(['success', 'purchase-pending']);
    await expect(sdk.client.phoneNumbers.delete(listed!.id)).rejects.toBeInstanceOf(UnprocessableEntityError);
  });

  it('when the number is active, then deleting it answers its deleted representation, and 404 the second time', async () => {
    const { phoneNumber } = await buy();
    const [listed] = await listByFilter(phoneNumber.slice(1));

    const deleted = await sdk.client.phoneNumbers.delete(listed!.id);

    expect(deleted.data).toMatchObject({ id: listed!.id, status: 'deleted' });
    await expect(sdk.client.phoneNumbers.delete(listed!.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('when the id is unknown, then deleting answers 404 with code 10005', async () => {
    const deleting = sdk.client.phoneNumbers.delete('1293384261075731499');

    await expect(deleting).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleting).rejects.toMatchObject({ error: { errors: [expect.objectContaining({ code: '10005' })] } });
  });
});
