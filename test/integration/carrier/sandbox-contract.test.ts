import Telnyx, { NotFoundError, RateLimitError, UnprocessableEntityError } from 'telnyx';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../support/start-test-sandbox.js';
import { startWebhookReceiver, type ReceivedWebhook } from '../../support/webhook-receiver.js';

// What the sandbox modelled before issue 12 and the service still relies on, held through the official SDK.

let sandbox: TestSandbox;
let client: Telnyx;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let received: ReceivedWebhook[];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  received = receiver.received;
  sandbox = await startTestSandbox({ webhookUrl: receiver.url });
  client = new Telnyx({ apiKey: 'test-key', baseURL: sandbox.sandbox.baseURL, maxRetries: 0, publicKey: sandbox.sandbox.publicKey });
});
afterAll(async () => {
  await sandbox.sandbox.stop();
  await receiver.close();
});
beforeEach(async () => {
  await sandbox.control.reset();
  received.length = 0;
});

async function firstTollFree(): Promise<string> {
  return (await client.availablePhoneNumbers.list({ filter: { phone_number_type: 'toll_free', limit: 1 } })).data![0]!.phone_number!;
}

describe('orders', () => {
  it('when an order is created, then it answers 200 with status pending, and a delayed order later reads success', async () => {
    await sandbox.control.configure({ order_completion: { mode: 'delayed', delay_ms: 200 } });

    const { data, response } = await client.numberOrders.create({ phone_numbers: [{ phone_number: await firstTollFree() }] }).withResponse();

    expect([response.status, data.data?.status]).toEqual([200, 'pending']);
    await expect.poll(async () => (await client.numberOrders.retrieve(data.data!.id!)).data?.status, { timeout: 5_000 }).toBe('success');
  });

  it('when an order succeeds, then its line id is a UUID and the number resource id is a different, numeric id', async () => {
    const phoneNumber = await firstTollFree();
    const order = (await client.numberOrders.create({ phone_numbers: [{ phone_number: phoneNumber }] })).data!;
    const [resource] = (await client.phoneNumbers.list({ filter: { phone_number: phoneNumber.slice(1) } })).data;
    const lineId = order.phone_numbers![0]!.id!;

    expect(lineId).toMatch(/^[0-9a-f-]{36}$/);
    expect(resource!.id).toMatch(/^\d+$/);
    await expect(client.phoneNumbers.delete(lineId)).rejects.toBeInstanceOf(UnprocessableEntityError);
  });

  it('when a number is ordered that was just sold, then the order answers 422 naming it', async () => {
    const phoneNumber = await firstTollFree();
    await client.numberOrders.create({ phone_numbers: [{ phone_number: phoneNumber }] });

    const again = client.numberOrders.create({ phone_numbers: [{ phone_number: phoneNumber }] });

    await expect(again).rejects.toBeInstanceOf(UnprocessableEntityError);
    await expect(again).rejects.toMatchObject({ error: { errors: [expect.objectContaining({ code: '10015', detail: expect.stringContaining(phoneNumber) })] } });
  });
});

describe('release', () => {
  it('when a number is deleted, then it answers status deleted, a second delete is 404 10005, and the number is not for sale again at once', async () => {
    const phoneNumber = await firstTollFree();
    await client.numberOrders.create({ phone_numbers: [{ phone_number: phoneNumber }] });
    const [resource] = (await client.phoneNumbers.list({ filter: { phone_number: phoneNumber.slice(1) } })).data;

    const deleted = await client.phoneNumbers.delete(resource!.id);
    const again = client.phoneNumbers.delete(resource!.id);

    expect(deleted.data?.status).toBe('deleted');
    await expect(again).rejects.toBeInstanceOf(NotFoundError);
    await expect(again).rejects.toMatchObject({ error: { errors: [expect.objectContaining({ code: '10005' })] } });
    expect((await client.availablePhoneNumbers.list({ filter: { phone_number_type: 'toll_free', limit: 100 } })).data!.map((each) => each.phone_number)).not.toContain(phoneNumber);
  });
});

describe('rate limits', () => {
  it('when a call succeeds, then it carries the x-ratelimit headers', async () => {
    const { response } = await client.availablePhoneNumbers.list({ filter: { limit: 1 } }).withResponse();

    expect(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'].map((name) => response.headers.get(name) !== null)).toEqual([true, true, true]);
  });

  it('when rate limited, then it answers 429 with code 10011 and the reset in x-ratelimit-reset, without Retry-After', async () => {
    await sandbox.control.addFault({ path: '/v2/phone_numbers', action: { type: 'error', status: 429 } });

    const listing = client.phoneNumbers.list();

    await expect(listing).rejects.toBeInstanceOf(RateLimitError);
    await expect(listing).rejects.toMatchObject({ status: 429, error: { errors: [expect.objectContaining({ code: '10011' })] } });
    const error = (await listing.catch((caught: unknown) => caught)) as RateLimitError;
    expect(error.headers?.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    expect(error.headers?.get('retry-after')).toBeNull();
  });
});

describe('webhooks', () => {
  it('when an order completes, then number_order.complete is signed so the SDK unwraps it, with the order as GET returns it', async () => {
    const order = (await client.numberOrders.create({ phone_numbers: [{ phone_number: await firstTollFree() }], customer_reference: 'hook-ref' })).data!;

    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(1);
    const event = (await client.webhooks.unwrap(received[0]!.body, { headers: received[0]!.headers })) as { data: { event_type: string; payload: unknown } };

    expect(event.data.event_type).toBe('number_order.complete');
    expect(event.data.payload).toEqual((await client.numberOrders.retrieve(order.id!)).data);
  });

  it('when the body is changed after signing, then the SDK refuses it', async () => {
    await client.numberOrders.create({ phone_numbers: [{ phone_number: await firstTollFree() }] });
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(1);

    const tampered = received[0]!.body.replace('"success"', '"failure"');

    await expect(client.webhooks.unwrap(tampered, { headers: received[0]!.headers })).rejects.toThrow();
  });
});
