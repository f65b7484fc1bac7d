import type { StockNumber } from '../inventory.js';
import { presentAvailable } from '../present.js';
import { errors } from '../errors.js';
import type { Route } from './route.js';

/** Telnyx's default result count when `filter[limit]` is absent (unverified; the docs give none). */
const defaultLimit = 10;

const truthy = (raw: string | null) => raw === 'true';
const falsy = (raw: string | null) => raw === 'false';

/**
 * `GET /available_phone_numbers` (Number search). Stricter readings where the docs are silent:
 * best-effort matches are included unless `filter[best_effort]=false`, and come first; toll-free numbers
 * that need time after purchase are included unless `filter[quickship]=true`, and come first. A client
 * that takes the first result without asking for what it needs gets the wrong number.
 */
export const availablePhoneNumbers: Route = {
  method: 'GET',
  pattern: /^\/available_phone_numbers$/,
  handle({ state, query }) {
    const country = query.get('filter[country_code]');
    const type = query.get('filter[phone_number_type]');
    const area = query.get('filter[administrative_area]')?.toUpperCase() ?? null;
    const features = (query.get('filter[features]') ?? '').split(',').filter(Boolean);
    const quickship = query.get('filter[quickship]');
    const rawLimit = query.get('filter[limit]');
    if (rawLimit !== null && !/^\d+$/.test(rawLimit)) throw errors.badRequest('filter[limit] must be an integer', { parameter: 'filter[limit]' });
    const limit = rawLimit === null ? defaultLimit : Number(rawLimit);

    // The double stocks US numbers only: any other country has nothing to offer.
    if (country !== null && country.toUpperCase() !== 'US') return { status: 200, body: { data: [], meta: { total_results: 0, best_effort_results: 0 } } };

    const fits = (stock: StockNumber) =>
      (type === null || stock.phone_number_type === type) &&
      features.every((feature) => stock.features.includes(feature)) &&
      // "Only applicable for +1 toll_free numbers."
      !(truthy(quickship) && stock.phone_number_type === 'toll_free' && !stock.quickship);
    const candidates = state.stock.filter(fits);
    // A state asked of a toll-free search matches nothing exactly: toll-free numbers have no state.
    const exact = area === null ? candidates : candidates.filter((stock) => stock.state === area);
    const bestEffort = area === null || falsy(query.get('filter[best_effort]')) ? [] : candidates.filter((stock) => stock.state !== null && stock.state !== area);
    const slowFirst = (a: StockNumber, b: StockNumber) => Number(a.quickship) - Number(b.quickship);
    const results = [...bestEffort.map((stock) => ({ stock, bestEffort: true })), ...exact.sort(slowFirst).map((stock) => ({ stock, bestEffort: false }))].slice(0, limit);

    for (const { stock } of results) state.offered.add(stock.phone_number);
    const data = results.map(({ stock, bestEffort: flag }) => presentAvailable(stock, flag));
    const meta = { total_results: data.length, best_effort_results: data.filter((item) => item.best_effort).length };
    return { status: 200, body: { data, meta, metadata: meta } };
  },
};
