import { randomUUID } from 'node:crypto';
import type { SandboxContext } from './context.js';
import { telnyxErrors } from './errors.js';
import { findInInventory } from './inventory.js';
import { nextNumberId } from './numbers.js';
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
    connection_id: optionalString(body, 'connection_id'),
    customer_reference: optionalString(body, 'customer_reference'),
    messaging_profile_id: optionalString(body, 'messaging_profile_id'),
    billing_group_id: optionalString(body, 'billing_group_id'),
    requirements_met: true,
    created_at: now,
    updated_at: now,
  };
  ctx.state.sold.push(...phoneNumbers);
  ctx.state.orders.push(order);
  if (mode === 'instant') completeOrder(ctx, order, 'success');
  else if (mode !== 'never') {
    order.complete_at = Date.now() + (mode === 'delayed' ? delayMs : 0);
    order.outcome = mode === 'fail' ? 'failure' : 'success';
    ctx.scheduleCompletion(order);
  }
  ctx.persist();
  return order;
}

/** Settles a pending order: success buys its numbers, failure puts them back in stock. */
export function completeOrder(ctx: SandboxContext, order: OrderRecord, outcome: 'success' | 'failure'): void {
  if (order.status !== 'pending') return;
  const now = new Date();
  order.status = outcome;
  order.updated_at = now.toISOString();
  delete order.complete_at;
  delete order.outcome;
  for (const line of order.phone_numbers) {
    line.status = outcome;
    line.requirements_status = outcome === 'success' ? 'approved' : 'cancelled';
    if (outcome === 'failure') {
      ctx.state.sold = ctx.state.sold.filter((each) => each !== line.phone_number);
      continue;
    }
    ctx.state.numbers.push({
      id: nextNumberId(ctx),
      record_type: 'phone_number',
      phone_number: line.phone_number,
      phone_number_type: line.phone_number_type,
      connection_id: order.connection_id,
      customer_reference: order.customer_reference,
      tags: [],
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      active_from: now.getTime() + ctx.state.config.purchase_pending_ms,
    });
  }
  ctx.persist();
  ctx.orderCompleted(order);
}

export function findOrder(ctx: SandboxContext, id: string): OrderRecord {
  const order = ctx.state.orders.find((each) => each.id === id);
  if (!order) throw telnyxErrors.notFound('number order');
  return order;
}

/** The JSON Telnyx returns for an order (internal scheduling fields left out). */
export function toOrderJson(order: OrderRecord) {
  const { complete_at: _completeAt, outcome: _outcome, ...json } = order;
  return json;
}
