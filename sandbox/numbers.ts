import type { SandboxContext } from './context.js';
import { telnyxErrors } from './errors.js';
import type { NumberRecord } from './state.js';

/** `purchase-pending` while its order is pending, and for `purchase_pending_ms` after it succeeded. */
export function numberStatus(number: NumberRecord, now = Date.now()): 'purchase-pending' | 'active' {
  return number.active_from === null || now < number.active_from ? 'purchase-pending' : 'active';
}

/** The JSON `GET /v2/phone_numbers` returns (sandbox bookkeeping left out). */
export function toNumberJson(number: NumberRecord, now = Date.now()) {
  const { active_from: _activeFrom, order_id: _orderId, ...rest } = number;
  return {
    ...rest,
    status: numberStatus(number, now),
    country_iso_alpha2: 'US',
    billing_group_id: null,
    emergency_enabled: false,
    purchased_at: number.created_at,
  };
}

export function nextNumberId(ctx: SandboxContext): string {
  const seq = ctx.state.next_number_seq;
  ctx.state.next_number_seq += 1;
  return (1293384261075731499n + BigInt(seq) * 7919n).toString();
}

export function findNumberById(ctx: SandboxContext, id: string): NumberRecord {
  if (!/^\d+$/.test(id)) throw telnyxErrors.invalid('/id', `'${id}' is not a valid phone number id.`);
  const number = ctx.state.numbers.find((each) => each.id === id);
  if (!number) throw telnyxErrors.notFound('phone number');
  return number;
}

export interface NumberPatch {
  connection_id?: unknown;
  tags?: unknown;
  customer_reference?: unknown;
}

export function updateNumber(ctx: SandboxContext, id: string, patch: NumberPatch): NumberRecord {
  const number = findNumberById(ctx, id);
  if (patch.connection_id !== undefined && patch.connection_id !== null && typeof patch.connection_id !== 'string') {
    throw telnyxErrors.invalid('/connection_id', 'connection_id must be a string.');
  }
  if (patch.tags !== undefined && !(Array.isArray(patch.tags) && patch.tags.every((tag) => typeof tag === 'string'))) {
    throw telnyxErrors.invalid('/tags', 'tags must be an array of strings.');
  }
  if (patch.customer_reference !== undefined && patch.customer_reference !== null && typeof patch.customer_reference !== 'string') {
    throw telnyxErrors.invalid('/customer_reference', 'customer_reference must be a string.');
  }
  if (patch.connection_id !== undefined) number.connection_id = patch.connection_id as string | null;
  if (patch.tags !== undefined) number.tags = patch.tags as string[];
  if (patch.customer_reference !== undefined) number.customer_reference = patch.customer_reference as string | null;
  number.updated_at = new Date().toISOString();
  ctx.persist();
  return number;
}

/**
 * Deletes the number; it leaves the account and stays out of inventory for the quarantine period. A
 * `purchase-pending` number is refused: the docs do not say, and refusing is the stricter reading.
 */
export function deleteNumber(ctx: SandboxContext, id: string): NumberRecord {
  const number = findNumberById(ctx, id);
  if (numberStatus(number) === 'purchase-pending') throw telnyxErrors.purchasePending(number.phone_number);
  ctx.state.numbers = ctx.state.numbers.filter((each) => each.id !== id);
  ctx.state.sold = ctx.state.sold.filter((each) => each !== number.phone_number);
  ctx.state.released[number.phone_number] = Date.now();
  ctx.persist();
  return number;
}

export interface NumberFilter {
  phoneNumber: string | null;
  customerReference: string | null;
  connectionId: string | null;
  tag: string | null;
  status: string | null;
}

/**
 * `filter[phone_number]` as documented: "Requires at least three digits. Non-numerical characters will
 * result in no values being returned." A `+` or fewer than three digits finds nothing (never a 4xx), and
 * digits match anywhere in the number (Telnyx's v1 docs: "at least partially match"), so callers must
 * compare the E.164 themselves.
 */
export function listNumbers(ctx: SandboxContext, filter: NumberFilter): NumberRecord[] {
  const digits = filter.phoneNumber;
  if (digits !== null && !/^\d{3,}$/.test(digits)) return [];
  return ctx.state.numbers.filter(
    (number) =>
      (digits === null || number.phone_number.slice(1).includes(digits)) &&
      (filter.customerReference === null || number.customer_reference === filter.customerReference) &&
      (filter.connectionId === null || number.connection_id === filter.connectionId) &&
      (filter.tag === null || number.tags.includes(filter.tag)) &&
      (filter.status === null || numberStatus(number) === filter.status),
  );
}
