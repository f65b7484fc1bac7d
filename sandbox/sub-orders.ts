import { randomUUID } from 'node:crypto';
import type { SandboxContext } from './context.js';
import { telnyxErrors } from './errors.js';
import type { OrderRecord, SubOrderRecord } from './state.js';

/** Telnyx splits a number order into one sub number order per country and number type (all US here). */
export function subOrdersFor(types: ('local' | 'toll_free')[], now: string): SubOrderRecord[] {
  return [...new Set(types)].map((type) => ({ id: randomUUID(), phone_number_type: type, status: 'pending', created_at: now, updated_at: now }));
}

/** The order's status from its sub-orders: pending while any is, success when all succeeded, else failure. */
function orderStatus(order: OrderRecord): OrderRecord['status'] {
  if (order.sub_orders.some((subOrder) => subOrder.status === 'pending')) return 'pending';
  return order.sub_orders.every((subOrder) => subOrder.status === 'success') ? 'success' : 'failure';
}

/**
 * Settles one pending sub-order. Success makes its numbers `active` (after `purchase_pending_ms`); failure
 * (or a cancel) takes them off the account and back into stock. When that settles the whole order, its
 * `number_order.complete` webhook goes out.
 */
export function settleSubOrder(ctx: SandboxContext, order: OrderRecord, subOrder: SubOrderRecord, outcome: 'success' | 'failure'): void {
  const now = new Date();
  subOrder.status = outcome;
  subOrder.updated_at = now.toISOString();
  for (const line of order.phone_numbers) {
    if (line.phone_number_type !== subOrder.phone_number_type) continue;
    line.status = outcome;
    line.requirements_status = outcome === 'success' ? 'approved' : 'cancelled';
    const number = ctx.state.numbers.find((each) => each.order_id === order.id && each.phone_number === line.phone_number);
    if (!number) continue;
    if (outcome === 'success') {
      number.active_from = now.getTime() + ctx.state.config.purchase_pending_ms;
      number.updated_at = now.toISOString();
    } else {
      ctx.state.numbers = ctx.state.numbers.filter((each) => each !== number);
      ctx.state.sold = ctx.state.sold.filter((each) => each !== line.phone_number);
    }
  }
  order.updated_at = now.toISOString();
  order.status = orderStatus(order);
  if (order.status !== 'pending') {
    delete order.complete_at;
    delete order.outcome;
  }
  ctx.persist();
  if (order.status !== 'pending') ctx.orderCompleted(order);
}

/** The sub-order with this id and the order it belongs to; 404 (10005) when unknown. */
export function findSubOrder(ctx: SandboxContext, id: string): { order: OrderRecord; subOrder: SubOrderRecord } {
  for (const order of ctx.state.orders) {
    const subOrder = order.sub_orders.find((each) => each.id === id);
    if (subOrder) return { order, subOrder };
  }
  throw telnyxErrors.notFound('sub number order');
}

/**
 * `PATCH /v2/sub_number_orders/{id}/cancel`: documented as "cancel a sub number order in 'pending' status".
 * Any other status is refused with 422. The cancelled sub-order reads `failure` (the documented statuses are
 * pending, success and failure) and its numbers' lines `requirements_status: cancelled`.
 */
export function cancelSubOrder(ctx: SandboxContext, id: string): { order: OrderRecord; subOrder: SubOrderRecord } {
  const found = findSubOrder(ctx, id);
  if (found.subOrder.status !== 'pending') throw telnyxErrors.notCancellable(found.subOrder.status);
  settleSubOrder(ctx, found.order, found.subOrder, 'failure');
  return found;
}

/**
 * The JSON Telnyx documents for a sub number order (`NumbersSubNumberOrder`); its `phone_numbers` (the
 * first 50) only with `filter[include_phone_numbers]=true`, as documented.
 */
export function toSubOrderJson(order: OrderRecord, subOrder: SubOrderRecord, includePhoneNumbers: boolean) {
  const lines = order.phone_numbers.filter((line) => line.phone_number_type === subOrder.phone_number_type);
  return {
    id: subOrder.id,
    record_type: 'sub_number_order',
    order_request_id: order.id,
    country_code: 'US',
    phone_number_type: subOrder.phone_number_type,
    phone_numbers_count: lines.length,
    status: subOrder.status,
    customer_reference: order.customer_reference,
    requirements_met: order.requirements_met,
    regulatory_requirements: [],
    is_block_sub_number_order: false,
    created_at: subOrder.created_at,
    updated_at: subOrder.updated_at,
    ...(includePhoneNumbers
      ? { phone_numbers: lines.slice(0, 50).map((line) => ({ ...line, record_type: 'number_order_phone_number', country_code: 'US', bundle_id: null })) }
      : {}),
  };
}
