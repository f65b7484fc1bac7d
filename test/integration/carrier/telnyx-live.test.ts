import { describe, expect, it } from 'vitest';
import { carrierErrorTypes } from '../../../carrier/errors.js';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';

const apiKey = process.env.TELNYX_API_KEY;
const live = process.env.TELNYX_LIVE === '1' && Boolean(apiKey);

/** Read-only contract checks against real Telnyx: `TELNYX_LIVE=1 TELNYX_API_KEY=... npx vitest run test/integration/carrier/telnyx-live.test.ts`. */
describe.skipIf(!live)('Telnyx live contract (read-only)', () => {
  const carrier = createTelnyxCarrier({ apiKey: apiKey ?? '', baseURL: process.env.TELNYX_BASE_URL ?? 'https://api.telnyx.com/v2' });

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
