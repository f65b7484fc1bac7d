import Telnyx, { AuthenticationError, PermissionDeniedError } from 'telnyx';
import { describe, expect, it } from 'vitest';
import { useSandboxThroughSdk } from '../../support/sandbox-through-sdk.js';

// Auth and the account-on-hold fault window on every /v2 endpoint the service uses, through the official SDK.

const sdk = useSandboxThroughSdk();

interface Ids {
  phoneNumber: string;
  orderId: string;
  subOrderId: string;
  numberId: string;
}

/** Real ids, so every call below would succeed if it were let through. */
async function existingIds(): Promise<Ids> {
  const search = await sdk.client.availablePhoneNumbers.list({ filter: { phone_number_type: 'toll_free', limit: 1 } });
  const phoneNumber = search.data![0]!.phone_number!;
  const order = (await sdk.client.numberOrders.create({ phone_numbers: [{ phone_number: phoneNumber }], customer_reference: 'auth-walk' })).data!;
  const [number] = (await sdk.client.phoneNumbers.list({ filter: { phone_number: phoneNumber.slice(1) } })).data;
  return { phoneNumber, orderId: order.id!, subOrderId: order.sub_number_orders_ids![0]!, numberId: number!.id };
}

/** Every call the service makes, by name. */
function everyEndpoint(sdk: Telnyx, ids: Ids): Record<string, () => Promise<unknown>> {
  return {
    'GET /available_phone_numbers': () => sdk.availablePhoneNumbers.list({ filter: { phone_number_type: 'toll_free', limit: 1 } }),
    'POST /number_orders': () => sdk.numberOrders.create({ phone_numbers: [{ phone_number: ids.phoneNumber }] }),
    'GET /number_orders/{id}': () => sdk.numberOrders.retrieve(ids.orderId),
    'GET /number_orders': () => sdk.numberOrders.list({ filter: { customer_reference: 'auth-walk' } }),
    'GET /sub_number_orders/{id}': () => sdk.subNumberOrders.retrieve(ids.subOrderId),
    'PATCH /sub_number_orders/{id}/cancel': () => sdk.subNumberOrders.cancel(ids.subOrderId),
    'GET /phone_numbers': () => sdk.phoneNumbers.list({ filter: { phone_number: ids.phoneNumber.slice(1) } }),
    'GET /phone_numbers/{id}': () => sdk.phoneNumbers.retrieve(ids.numberId),
    'PATCH /phone_numbers/{id}': () => sdk.phoneNumbers.update(ids.numberId, { connection_id: 'conn-1' }),
    'DELETE /phone_numbers/{id}': () => sdk.phoneNumbers.delete(ids.numberId),
  };
}

async function answers(calls: Record<string, () => Promise<unknown>>): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  for (const [name, call] of Object.entries(calls)) {
    seen[name] = await call().then(
      () => 'answered 2xx',
      (error: unknown) => error,
    );
  }
  return seen;
}

describe('authentication', () => {
  it('when no API key is sent, then every endpoint the service uses answers 401 with code 10009 in the envelope', async () => {
    const ids = await existingIds();
    const anonymous = new Telnyx({ apiKey: null, baseURL: sdk.sandbox.sandbox.baseURL, maxRetries: 0 });

    const seen = await answers(everyEndpoint(anonymous, ids));

    for (const [name, answer] of Object.entries(seen)) {
      expect(answer, name).toBeInstanceOf(AuthenticationError);
      expect(answer, name).toMatchObject({ status: 401, error: { errors: [expect.objectContaining({ code: '10009', title: 'Authentication failed' })] } });
    }
    expect(await sdk.sandbox.control.ownedNumbers()).toHaveLength(1);
  });
});

describe('account on hold', () => {
  it('when the account is on hold, then every endpoint the service uses answers 403 with code 10010 and nothing changes', async () => {
    const ids = await existingIds();
    await sdk.sandbox.control.configure({ account_on_hold: true });

    const seen = await answers(everyEndpoint(sdk.client, ids));

    for (const [name, answer] of Object.entries(seen)) {
      expect(answer, name).toBeInstanceOf(PermissionDeniedError);
      expect(answer, name).toMatchObject({ status: 403, error: { errors: [expect.objectContaining({ code: '10010', title: 'Authorization failed' })] } });
    }
    expect((await sdk.sandbox.control.orders()).map((order) => order.id)).toEqual([ids.orderId]);
    expect((await sdk.sandbox.control.ownedNumbers()).map((number) => number.connection_id)).toEqual([null]);
  });

  it('when the hold is lifted, then the same calls answer again', async () => {
    await sdk.sandbox.control.configure({ account_on_hold: true });
    await expect(sdk.client.availablePhoneNumbers.list({ filter: { limit: 1 } })).rejects.toBeInstanceOf(PermissionDeniedError);

    await sdk.sandbox.control.configure({ account_on_hold: false });

    expect((await sdk.client.availablePhoneNumbers.list({ filter: { limit: 1 } })).data).toHaveLength(1);
  });

  it('when the sandbox is reset, then the hold and the order-list lag are back to their defaults', async () => {
    await sdk.sandbox.control.configure({ account_on_hold: true, order_list_lag_ms: 60_000 });

    await sdk.sandbox.control.reset();
    const config = await sdk.sandbox.control.configure({});

    expect([config.account_on_hold, config.order_list_lag_ms]).toEqual([false, 0]);
    expect((await sdk.client.availablePhoneNumbers.list({ filter: { limit: 1 } })).data).toHaveLength(1);
  });

  it('when account_on_hold is not a boolean, then the control API answers 400', async () => {
    await expect(sdk.sandbox.control.configure({ account_on_hold: 'yes' as unknown as boolean })).rejects.toThrow(/400/);
  });
});
