import { errors } from '../errors.js';
import { presentSubOrder } from '../present.js';
import type { Route } from './route.js';

/** `GET /sub_number_orders/{id}`. */
export const retrieveSubNumberOrder: Route = {
  method: 'GET',
  pattern: /^\/sub_number_orders\/([^/]+)$/,
  handle({ state, params }) {
    const sub = state.subOrders.get(params[0]!);
    if (!sub) throw errors.notFound('Sub number order');
    return { status: 200, body: { data: presentSubOrder(state, sub) } };
  },
};

/**
 * `PATCH /sub_number_orders/{id}/cancel`: "Allows you to cancel a sub number order in 'pending' status."
 * Any other status is refused (422). A cancelled sub-order ends `failure` (the only terminal statuses the
 * type allows besides `success`), its lines' requirements read `cancelled`, its numbers `purchase-failed`.
 */
export const cancelSubNumberOrder: Route = {
  method: 'PATCH',
  pattern: /^\/sub_number_orders\/([^/]+)\/cancel$/,
  handle({ state, params }) {
    const sub = state.subOrders.get(params[0]!);
    if (!sub) throw errors.notFound('Sub number order');
    if (sub.status !== 'pending') throw errors.unprocessable(`Only a sub number order in 'pending' status can be cancelled; this one is '${sub.status}'`);
    state.settleSubOrder(sub, 'failure', Date.now(), true);
    return { status: 200, body: { data: presentSubOrder(state, sub) } };
  },
};
