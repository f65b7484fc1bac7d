import { usStates, type UsState } from './us-states.js';
import type { SandboxContext } from './context.js';
import { telnyxErrors } from './errors.js';
import { booleanParam, intParam, paginate, parseJsonBody } from './http-util.js';
import { searchInventory, toAvailableJson } from './inventory.js';
import { deleteNumber, findNumberById, listNumbers, toNumberJson, updateNumber } from './numbers.js';
import { createOrder, findOrder, toOrderJson } from './orders.js';
import { cancelSubOrder, findSubOrder, toSubOrderJson } from './sub-orders.js';

export interface V2Request {
  method: string;
  /** Path without the query, e.g. `/v2/number_orders`. */
  path: string;
  query: URLSearchParams;
  rawBody: string;
}

export interface V2Answer {
  status: number;
  body: unknown;
}

const ok = (body: unknown): V2Answer => ({ status: 200, body });

function searchAvailable(ctx: SandboxContext, query: URLSearchParams): V2Answer {
  const country = query.get('filter[country_code]') ?? 'US';
  const type = query.get('filter[phone_number_type]');
  if (type !== null && type !== 'local' && type !== 'toll_free') {
    throw telnyxErrors.invalid('filter[phone_number_type]', `Unsupported phone_number_type '${type}'.`);
  }
  const area = query.get('filter[administrative_area]')?.toUpperCase() ?? null;
  if (area !== null && !(usStates as readonly string[]).includes(area)) {
    throw telnyxErrors.invalid('filter[administrative_area]', `Unknown administrative_area '${area}'.`);
  }
  const limit = intParam(query, 'filter[limit]', 50, 100);
  const features = (query.get('filter[features]') ?? '').split(',').filter(Boolean);
  const bestEffort = booleanParam(query, 'filter[best_effort]') ?? true;
  const quickship = booleanParam(query, 'filter[quickship]') ?? false;
  const found =
    country.toUpperCase() !== 'US' || (type === 'toll_free' && area !== null)
      ? []
      : searchInventory(ctx.state, {
          type: type as 'local' | 'toll_free' | null,
          state: area as UsState | null,
          areaCode: query.get('filter[national_destination_code]'),
          features,
          bestEffort,
          quickship,
          limit,
        });
  const bestEffortResults = found.filter((each) => each.bestEffort).length;
  return ok({ data: found.map(toAvailableJson), meta: { total_results: found.length, best_effort_results: bestEffortResults } });
}

/** Lists are not documented as read-after-write consistent: an order shows up `order_list_lag_ms` after creation. */
function listOrders(ctx: SandboxContext, query: URLSearchParams): V2Answer {
  const reference = query.get('filter[customer_reference]');
  const status = query.get('filter[status]');
  const now = Date.now();
  const orders = ctx.state.orders.filter(
    (order) =>
      (order.listed_from === undefined || order.listed_from <= now) &&
      (reference === null || order.customer_reference === reference) &&
      (status === null || order.status === status),
  );
  const page = paginate(orders, query);
  return ok({ data: page.data.map(toOrderJson), meta: page.meta });
}

function listPhoneNumbers(ctx: SandboxContext, query: URLSearchParams): V2Answer {
  const numbers = listNumbers(ctx, {
    phoneNumber: query.get('filter[phone_number]'),
    customerReference: query.get('filter[customer_reference]'),
    connectionId: query.get('filter[connection_id]'),
    tag: query.get('filter[tag]'),
    status: query.get('filter[status]'),
  });
  const page = paginate(numbers, query);
  return ok({ data: page.data.map((number) => toNumberJson(number)), meta: page.meta });
}

/**
 * `POST /v2/calls/{call_control_id}/actions/{answer|reject|hangup}`: `{"data": {"result": "ok"}}`, as the
 * SDK's `CallControlCommandResult`. The id arrives percent-encoded (`v3%3A…`) from the SDK.
 */
function callCommand(ctx: SandboxContext, request: V2Request, id: string | undefined, actions: string | undefined, rest: string[]): V2Answer {
  if (request.method !== 'POST' || !id || actions !== 'actions' || rest.length !== 1) throw telnyxErrors.notFound('resource');
  let callControlId: string;
  try {
    callControlId = decodeURIComponent(id);
  } catch {
    throw telnyxErrors.notFound('resource');
  }
  return ok({ data: ctx.calls.command(callControlId, rest[0]!, parseJsonBody(request.rawBody)) });
}

/** Answers one authenticated `/v2` request; throws `SandboxHttpError` for Telnyx's error answers. */
export function handleV2(ctx: SandboxContext, request: V2Request): V2Answer {
  const { method, path, query } = request;
  const [, , resource, id, action, ...rest] = path.split('/');
  if (resource === 'calls') return callCommand(ctx, request, id, action, rest);
  if (rest.length > 0) throw telnyxErrors.notFound('resource');
  const route = `${method} ${resource}${id === undefined ? '' : '/:id'}${action === undefined ? '' : `/${action}`}`;
  switch (route) {
    case 'GET available_phone_numbers':
      return searchAvailable(ctx, query);
    case 'POST number_orders':
      return ok({ data: toOrderJson(createOrder(ctx, parseJsonBody(request.rawBody))) });
    case 'GET number_orders':
      return listOrders(ctx, query);
    case 'GET number_orders/:id':
      return ok({ data: toOrderJson(findOrder(ctx, id!)) });
    case 'GET sub_number_orders/:id': {
      const { order, subOrder } = findSubOrder(ctx, id!);
      return ok({ data: toSubOrderJson(order, subOrder, booleanParam(query, 'filter[include_phone_numbers]') ?? false) });
    }
    case 'PATCH sub_number_orders/:id/cancel': {
      const { order, subOrder } = cancelSubOrder(ctx, id!);
      return ok({ data: toSubOrderJson(order, subOrder, false) });
    }
    case 'GET phone_numbers':
      return listPhoneNumbers(ctx, query);
    case 'GET phone_numbers/:id':
      return ok({ data: toNumberJson(findNumberById(ctx, id!)) });
    case 'PATCH phone_numbers/:id':
      return ok({ data: toNumberJson(updateNumber(ctx, id!, parseJsonBody(request.rawBody))) });
    case 'DELETE phone_numbers/:id':
      return ok({ data: { ...toNumberJson(deleteNumber(ctx, id!)), status: 'deleted' } });
    default:
      throw telnyxErrors.notFound('resource');
  }
}
