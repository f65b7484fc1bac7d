import { errors } from '../errors.js';
import { paginate } from '../pagination.js';
import { presentNumber } from '../present.js';
import type { AccountNumber, DoubleState } from '../state.js';
import { objectBody, type Route } from './route.js';

/**
 * `filter[phone_number]`: "Requires at least three digits. Non-numerical characters will result in no values
 * being returned." A `+` is a non-numerical character. The docs do not say the match is exact; with a
 * three-digit minimum it reads as a partial match, so the double matches digits anywhere in the number and
 * the client must pick the exact number out of the results (stricter reading).
 */
function matchesPhoneFilter(number: AccountNumber, filter: string): boolean {
  if (!/^\d{3,}$/.test(filter)) return false;
  return number.phone_number.slice(1).includes(filter);
}

const sorters: Record<string, (a: AccountNumber, b: AccountNumber) => number> = {
  phone_number: (a, b) => a.phone_number.localeCompare(b.phone_number),
  purchased_at: (a, b) => a.purchased_at.localeCompare(b.purchased_at),
};

/** Numbers that still exist: a deleted number is gone unless `filter[status]=deleted` asks for it. */
function findLive(state: DoubleState, id: string): AccountNumber {
  const number = state.numbers.get(id);
  if (!number || number.status === 'deleted') throw errors.notFound('Phone number');
  return number;
}

/** `GET /phone_numbers`: filters as documented, sorted by `created_at` descending unless `sort` says otherwise, paginated. */
export const listPhoneNumbers: Route = {
  method: 'GET',
  pattern: /^\/phone_numbers$/,
  handle({ state, query }) {
    const now = Date.now();
    const phone = query.get('filter[phone_number]');
    const status = query.get('filter[status]');
    const connectionId = query.get('filter[connection_id]');
    const reference = query.get('filter[customer_reference]');
    const tag = query.get('filter[tag]');
    const numberType = query.get('filter[number_type][eq]');
    const country = query.get('filter[country_iso_alpha2]');
    const sort = query.get('sort');
    const numbers = [...state.numbers.values()]
      .filter((number) => (status === 'deleted' ? number.status === 'deleted' : number.status !== 'deleted'))
      .filter((number) => phone === null || matchesPhoneFilter(number, phone))
      .filter((number) => status === null || status === 'deleted' || presentNumber(number, now).status === status)
      .filter((number) => connectionId === null || number.connection_id === connectionId)
      .filter((number) => reference === null || number.customer_reference === reference)
      .filter((number) => tag === null || number.tags.includes(tag))
      .filter((number) => numberType === null || number.phone_number_type === numberType)
      .filter((number) => country === null || country.split(',').includes('US'))
      .sort(sort && sorters[sort] ? sorters[sort] : (a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id))
      .map((number) => presentNumber(number, now));
    return { status: 200, body: paginate(numbers, query) };
  },
};

/** `GET /phone_numbers/{id}`. */
export const retrievePhoneNumber: Route = {
  method: 'GET',
  pattern: /^\/phone_numbers\/(\d+)$/,
  handle({ state, params }) {
    return { status: 200, body: { data: presentNumber(findLive(state, params[0]!)) } };
  },
};

/**
 * `PATCH /phone_numbers/{id}`: `connection_id` (must name a connection of the account: 10013 otherwise),
 * `customer_reference`, `tags`. Other documented fields are accepted and not modelled; unknown fields are
 * ignored silently, so only reading the number back proves a setting took.
 */
export const updatePhoneNumber: Route = {
  method: 'PATCH',
  pattern: /^\/phone_numbers\/(\d+)$/,
  handle({ state, params, body }) {
    const number = findLive(state, params[0]!);
    const input = objectBody(body);
    if ('connection_id' in input) {
      const value = input.connection_id;
      if (value !== null && (typeof value !== 'string' || !state.connectionIds.includes(value))) throw errors.missingAssociation('/connection_id');
    }
    if ('customer_reference' in input && input.customer_reference !== null && typeof input.customer_reference !== 'string') {
      throw errors.unprocessable('customer_reference must be a string', { pointer: '/customer_reference' });
    }
    if ('tags' in input && (!Array.isArray(input.tags) || !input.tags.every((tag) => typeof tag === 'string'))) {
      throw errors.unprocessable('tags must be a list of strings', { pointer: '/tags' });
    }
    if ('connection_id' in input) number.connection_id = input.connection_id as string | null;
    if ('customer_reference' in input) number.customer_reference = input.customer_reference as string | null;
    if ('tags' in input) number.tags = [...new Set(input.tags as string[])];
    number.updated_at = new Date().toISOString();
    return { status: 200, body: { data: presentNumber(number) } };
  },
};

/**
 * `DELETE /phone_numbers/{id}`: 200 with the number `deleted`; a number already deleted (or never there) is
 * 404. While its order is still pending the number is not the account's to delete: 422 (the docs are
 * silent; the documented way out is cancelling the pending sub number order).
 */
export const deletePhoneNumber: Route = {
  method: 'DELETE',
  pattern: /^\/phone_numbers\/(\d+)$/,
  handle({ state, params }) {
    const number = findLive(state, params[0]!);
    if (number.status === 'purchase-pending') {
      throw errors.unprocessable('The number has a pending purchase; cancel its sub number order or wait for the order to complete');
    }
    number.status = 'deleted';
    number.updated_at = new Date().toISOString();
    return { status: 200, body: { data: presentNumber(number) } };
  },
};
