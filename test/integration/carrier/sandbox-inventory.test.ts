import Telnyx, { UnprocessableEntityError } from 'telnyx';
import { describe, expect, it } from 'vitest';
import { useSandboxThroughSdk } from '../../support/sandbox-through-sdk.js';

// Inventory search filters as documented in node_modules/telnyx/resources/available-phone-numbers.d.ts
// (AvailablePhoneNumberListParams.Filter), through the official SDK.

const sdk = useSandboxThroughSdk();

const tollFree = (filter: Telnyx.AvailablePhoneNumberListParams['filter'] = {}) =>
  sdk.client.availablePhoneNumbers.list({ filter: { country_code: 'US', phone_number_type: 'toll_free', limit: 100, ...filter } });

describe('toll-free inventory search', () => {
  it('when no best_effort or quickship filter is sent, then best-effort and non-quickship numbers are among the results', async () => {
    const answer = await tollFree();

    expect(answer.data!.some((each) => each.best_effort === true)).toBe(true);
    expect(answer.data!.some((each) => each.quickship === false)).toBe(true);
    expect(answer.meta?.best_effort_results).toBe(answer.data!.filter((each) => each.best_effort).length);
  });

  it('when filter[best_effort]=false is sent, then no best-effort number is returned', async () => {
    const answer = await tollFree({ best_effort: false });

    expect(answer.data!.length).toBeGreaterThan(0);
    expect(answer.data!.filter((each) => each.best_effort !== false)).toEqual([]);
  });

  it('when filter[quickship]=true is sent, then every number returned is quickship', async () => {
    const answer = await tollFree({ quickship: true });

    expect(answer.data!.length).toBeGreaterThan(0);
    expect(answer.data!.filter((each) => each.quickship !== true)).toEqual([]);
  });

  it('when a boolean filter is not true or false, then it answers 422', async () => {
    await expect(tollFree({ quickship: 'yes' as unknown as boolean })).rejects.toBeInstanceOf(UnprocessableEntityError);
  });
});
