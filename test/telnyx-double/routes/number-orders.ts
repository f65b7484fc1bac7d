import type { StockNumber } from '../inventory.js';
import { errors } from '../errors.js';
import { paginate } from '../pagination.js';
import { presentOrder } from '../present.js';
import { objectBody, type Route } from './route.js';

const e164 = /^\+[1-9]\d{1,14}$/;

/**
 * `POST /number_orders`. It answers 200 with the order still `pending` (the docs: "Track fulfillment through
 * the order's status"), whatever the outcome will be. "Only phone numbers that were previously returned in
 * a search request can be ordered" (Number Orders guide): anything else is refused (422, error code
 * unverified). An unknown `connection_id` is a missing association (10013).
 */
export const createNumberOrder: Route = {
  method: 'POST',
  pattern: /^\/number_orders$/,
  handle({ state, body }) {
    const input = objectBody(body);
    const lines = input.phone_numbers;
    if (!Array.isArray(lines) || lines.length === 0) throw errors.missingParameter('/phone_numbers');
    const chosen: StockNumber[] = [];
    lines.forEach((line, index) => {
      const phone = objectBody(line).phone_number;
      const pointer = `/phone_numbers/${index}/phone_number`;
      if (typeof phone !== 'string' || !e164.test(phone)) throw errors.notE164(pointer);
      const stock = state.stock.find((candidate) => candidate.phone_number === phone);
      if (!stock || !state.offered.has(phone) || chosen.includes(stock)) {
        throw errors.unprocessable(`${phone} is not available for purchase; search again`, { pointer });
      }
      chosen.push(stock);
    });
    const connectionId = input.connection_id;
    if (connectionId !== undefined && (typeof connectionId !== 'string' || !state.connectionIds.includes(connectionId))) {
      throw errors.missingAssociation('/connection_id');
    }
    const reference = input.customer_reference;
    if (reference !== undefined && typeof reference !== 'string') throw errors.unprocessable('customer_reference must be a string', { pointer: '/customer_reference' });
    const order = state.createOrder(chosen, (connectionId as string | undefined) ?? null, reference ?? null);
    return { status: 200, body: { data: presentOrder(state, order) } };
  },
};

/** `GET /number_orders/{id}`. */
export const retrieveNumberOrder: Route = {
  method: 'GET',
  pattern: /^\/number_orders\/([^/]+)$/,
  handle({ state, params }) {
    const order = state.orders.get(params[0]!);
    if (!order) throw errors.notFound('Number order');
    return { status: 200, body: { data: presentOrder(state, order) } };
  },
};

/**
 * `GET /number_orders` with `filter[customer_reference]` and `filter[status]`, newest first, paginated.
 * Lists are not documented as read-after-write consistent: an order is listed only `orderListLagMs` after
 * it was created.
 */
export const listNumberOrders: Route = {
  method: 'GET',
  pattern: /^\/number_orders$/,
  handle({ state, query }) {
    const reference = query.get('filter[customer_reference]');
    const status = query.get('filter[status]');
    const visibleBefore = Date.now() - state.behaviour.orderListLagMs;
    const orders = [...state.orders.values()]
      .filter((order) => order.createdAtMs <= visibleBefore)
      .filter((order) => reference === null || order.customer_reference === reference)
      .filter((order) => status === null || state.orderStatus(order) === status)
      .sort((a, b) => b.createdAtMs - a.createdAtMs)
      .map((order) => presentOrder(state, order));
    return { status: 200, body: paginate(orders, query) };
  },
};
