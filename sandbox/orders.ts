import { randomUUID } from 'node:crypto';
import type { SandboxContext } from './context.js';
import { telnyxErrors } from './errors.js';
import { findInInventory } from './inventory.js';
import { nextNumberId } from './numbers.js';
import { settleSubOrder, subOrdersFor } from './sub-orders.js';
import type { OrderRecord } from './state.js';

const e164 = /^\+[1-9]\d{1,14}$/;

export interface OrderBody {
  phone_numbers?: unknown;
  connection_id?: unknown;
  customer_reference?: unknown;
  messaging_profile_id?: unknown;
  billing_group_id?: unknown;
}

/** The E.164 numbers a create body asks for, validated as Telnyx validates them. */
export function requestedNumbers(body: OrderBody): string[] {
  if (!Array.isArray(body.phone_numbers) || body.phone_numbers.length === 0) throw telnyxErrors.missing('/phone_numbers');
  return body.phone_numbers.map((item: unknown, index) => {
    const phoneNumber = (item as { phone_number?: unknown } | null)?.phone_number;
    if (phoneNumber === undefined) throw telnyxErrors.missing(`/phone_numbers/${index}/phone_number`);
    if (typeof phoneNumber !== 'string' || !e164.test(phoneNumber)) throw telnyxErrors.notE164(`/phone_numbers/${index}/phone_number`);
    return phoneNumber;
  });
}

function optionalString(body: OrderBody, key: keyof OrderBody): string | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw telnyxErrors.invalid(`/${key}`, `${key} must be a string.`);
  return value;
}

/** Marks numbers as just sold to another customer (the `taken` fault). */
export function sellToSomeoneElse(ctx: SandboxContext, phoneNumbers: string[]): void {
  ctx.state.sold.push(...phoneNumbers.filter((each) => !ctx.state.sold.includes(each)));
  ctx.persist();
}

/**
 * Places an order. Its numbers become the account's at once, as `purchase-pending` resources without the
 * order's `customer_reference` (nothing documents copying it); `connection_id` is documented on the
 * create body as the numbers' connection, so they get that.
 */
export function createOrder(ctx: SandboxContext, body: OrderBody): OrderRecord {
  const phoneNumbers = requestedNumbers(body);
  const entries = phoneNumbers.map((phoneNumber, index) => {
    const entry = findInInventory(ctx.state, phoneNumber);
    if (!entry || phoneNumbers.indexOf(phoneNumber) !== index) {
      throw telnyxErrors.unavailable(`/phone_numbers/${index}/phone_number`, phoneNumber);
    }
    return entry;
  });
  const now = new Date().toISOString();
  const { mode, delay_ms: delayMs } = ctx.state.config.order_completion;
  const connectionId = optionalString(body, 'connection_id');
  const order: OrderRecord = {
    id: randomUUID(),
    record_type: 'number_order',
    status: 'pending',
    phone_numbers: entries.map((entry) => ({
      id: randomUUID(),
      record_type: 'number_order_phone_number',
      phone_number: entry.phoneNumber,
      phone_number_type: entry.type,
      status: 'pending',
      requirements_status: 'pending',
      requirements_met: true,
      regulatory_requirements: [],
    })),
    phone_numbers_count: entries.length,
    connection_id: connectionId,
    customer_reference: optionalString(body, 'customer_reference'),
    messaging_profile_id: optionalString(body, 'messaging_profile_id'),
    billing_group_id: optionalString(body, 'billing_group_id'),
    requirements_met: true,
    created_at: now,
    updated_at: now,
    sub_orders: subOrdersFor(entries.map((entry) => entry.type), now),
    listed_from: Date.now() + ctx.state.config.order_list_lag_ms,
  };
  ctx.state.sold.push(...phoneNumbers);
  ctx.state.orders.push(order);
  for (const entry of entries) {
    ctx.state.numbers.push({
      id: nextNumberId(ctx),
      record_type: 'phone_number',
      phone_number: entry.phoneNumber,
      phone_number_type: entry.type,
      connection_id: connectionId,
      customer_reference: null,
      tags: [],
      created_at: now,
      updated_at: now,
      active_from: null,
      order_id: order.id,
    });
  }
  if (mode === 'instant') completeOrder(ctx, order, 'success');
  else if (mode !== 'never') {
    order.complete_at = Date.now() + (mode === 'delayed' ? delayMs : 0);
    order.outcome = mode === 'fail' ? 'failure' : 'success';
    ctx.scheduleCompletion(order);
  }
  ctx.persist();
  return order;
}

/** Settles every still-pending sub-order of an order the same way (the completion modes and the control API). */
export function completeOrder(ctx: SandboxContext, order: OrderRecord, outcome: 'success' | 'failure'): void {
  for (const subOrder of order.sub_orders) {
    if (subOrder.status === 'pending') settleSubOrder(ctx, order, subOrder, outcome);
  }
}

export function findOrder(ctx: SandboxContext, id: string): OrderRecord {
  const order = ctx.state.orders.find((each) => each.id === id);
  if (!order) throw telnyxErrors.notFound('number order');
  return order;
}

/** The JSON Telnyx returns for an order, with its `sub_number_orders_ids` (sandbox bookkeeping left out). */
export function toOrderJson(order: OrderRecord) {
  const { complete_at: _completeAt, outcome: _outcome, sub_orders: subOrders, listed_from: _listedFrom, ...json } = order;
  return { ...json, sub_number_orders_ids: subOrders.map((subOrder) => subOrder.id) };
}
