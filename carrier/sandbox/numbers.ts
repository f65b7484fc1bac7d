import type { SandboxContext } from './context.js';
import { telnyxErrors } from './errors.js';
import type { NumberRecord } from './state.js';

/** The JSON `GET /v2/phone_numbers` returns; status is derived so `purchase-pending` can lapse. */
export function toNumberJson(number: NumberRecord, now = Date.now()) {
  const { active_from: activeFrom, ...rest } = number;
  return {
    ...rest,
    status: now < activeFrom ? 'purchase-pending' : 'active',
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

/** Deletes the number; it leaves the account and stays out of inventory for the quarantine period. */
export function deleteNumber(ctx: SandboxContext, id: string): NumberRecord {
  const number = findNumberById(ctx, id);
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
}

/** Like Telnyx, `filter[phone_number]` matches loosely (digits contained), so callers must match exactly. */
export function listNumbers(ctx: SandboxContext, filter: NumberFilter): NumberRecord[] {
  const digits = filter.phoneNumber?.replace(/\D/g, '') ?? null;
  return ctx.state.numbers.filter(
    (number) =>
      (digits === null || number.phone_number.replace(/\D/g, '').includes(digits)) &&
      (filter.customerReference === null || number.customer_reference === filter.customerReference) &&
      (filter.connectionId === null || number.connection_id === filter.connectionId) &&
      (filter.tag === null || number.tags.includes(filter.tag)),
  );
}
