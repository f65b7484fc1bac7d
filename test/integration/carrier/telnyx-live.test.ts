import Telnyx from 'telnyx';
import { describe, expect, it } from 'vitest';
import { carrierErrorTypes } from '../../../domain/carrier-failures.js';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';

const apiKey = process.env.TELNYX_API_KEY;
const live = process.env.TELNYX_LIVE === '1' && Boolean(apiKey);

/** Read-only contract checks against real Telnyx: `TELNYX_LIVE=1 TELNYX_API_KEY=... npx vitest run test/integration/carrier/telnyx-live.test.ts`. */
describe.skipIf(!live)('Telnyx live contract (read-only)', () => {
  const baseURL = process.env.TELNYX_BASE_URL ?? 'https://api.telnyx.com/v2';
  const carrier = createTelnyxCarrier({ apiKey: apiKey ?? '', baseURL });
  const sdk = new Telnyx({ apiKey: apiKey ?? '', baseURL, clientID: null, clientSecret: null });

  /** One number this account owns, or undefined (the lookups below then have nothing to find). */
  async function anOwnedNumber(): Promise<string | undefined> {
    const page = await sdk.phoneNumbers.list({ 'page[size]': 1 });
    return page.data[0]?.phone_number;
  }

  it('when an owned number is looked up through the adapter, then it is found by its digits', async (context) => {
    const owned = await anOwnedNumber();
    if (!owned) return context.skip();

    const found = await carrier.findNumber(owned);

    expect(found?.phoneNumber).toBe(owned);
  });

  it('when the phone_number filter carries a +, then real Telnyx returns nothing, and the digits alone find the number', async (context) => {
    const owned = await anOwnedNumber();
    if (!owned) return context.skip();

    const withPlus = await sdk.phoneNumbers.list({ filter: { phone_number: owned } });
    const digitsOnly = await sdk.phoneNumbers.list({ filter: { phone_number: owned.replace(/\D/g, '') } });

    expect(withPlus.data).toEqual([]);
    expect(digitsOnly.data.map((each) => each.phone_number)).toContain(owned);
  });

  it('when a number the account does not own is looked up, then the adapter answers null', async () => {
    expect(await carrier.findNumber('+15005550006')).toBeNull();
  });

  it('when searching local NY numbers, then real Telnyx answers E.164 numbers in NY', async () => {
    const found = await carrier.searchAvailable({ type: 'local', state: 'NY', limit: 3 });

    expect(found.length).toBeGreaterThan(0);
    for (const number of found) expect(number.phoneNumber).toMatch(/^\+1\d{10}$/);
    expect(found.every((number) => number.state === 'NY')).toBe(true);
  });

  it('when searching toll-free numbers with the toll_free spelling, then real Telnyx answers 8xx numbers', async () => {
    const found = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 3 });

    expect(found.every((number) => /^\+18\d{9}$/.test(number.phoneNumber))).toBe(true);
  });

  it('when looking up orders by an unknown customer_reference, then the list is empty', async () => {
    expect(await carrier.findOrdersByCustomerReference(`contract-test-${Date.now()}`)).toEqual([]);
  });

  it('when an order id does not exist, then real Telnyx answers what the adapter classifies as not found or invalid', async () => {
    await expect(carrier.getOrder('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      type: expect.stringMatching(new RegExp(`${carrierErrorTypes.notFound}|${carrierErrorTypes.invalidRequest}`)),
    });
  });
});
