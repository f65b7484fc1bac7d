import type { SandboxContext } from './context.js';
import { parseCallWait } from './control-calls.js';
import { parseFault, type Fault } from './faults.js';
import { toNumberJson } from './numbers.js';
import { completeOrder, findOrder, toOrderJson } from './orders.js';
import { type CompletionMode, type SandboxConfig } from './state.js';
import type { WebhookDelivery } from './webhook-sender.js';

/** A request the sandbox saw on `/v2`, newest last. */
export interface SeenRequest {
  method: string;
  path: string;
  query: string;
  status: number | null;
  at: string;
}

/** In-memory parts of the sandbox the control API reads and resets (never persisted). */
export interface ControlState {
  faults: Fault[];
  requests: SeenRequest[];
  webhooks: WebhookDelivery[];
  /** The webhook URL given at start; `reset` returns to it. */
  initialWebhookUrl: string | null;
  reset(): void;
}

export class ControlInputError extends Error {}

const modes: CompletionMode[] = ['instant', 'delayed', 'never', 'fail'];

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ControlInputError(`${name} must be a number >= 0`);
  return value;
}

/** Merges a `POST /_sandbox/config` body (any subset) into the config. */
export function applyConfig(config: SandboxConfig, body: Record<string, any>): void {
  const completion = body.order_completion;
  if (completion?.mode !== undefined) {
    if (!modes.includes(completion.mode)) throw new ControlInputError(`order_completion.mode must be one of ${modes.join(', ')}`);
    config.order_completion.mode = completion.mode;
  }
  if (completion?.delay_ms !== undefined) config.order_completion.delay_ms = nonNegative(completion.delay_ms, 'delay_ms');
  if (body.latency_ms !== undefined) config.latency_ms = nonNegative(body.latency_ms, 'latency_ms');
  if (body.order_list_lag_ms !== undefined) config.order_list_lag_ms = nonNegative(body.order_list_lag_ms, 'order_list_lag_ms');
  if (body.account_on_hold !== undefined) {
    if (typeof body.account_on_hold !== 'boolean') throw new ControlInputError('account_on_hold must be true or false');
    config.account_on_hold = body.account_on_hold;
  }
  if (body.call_ring_timeout_ms !== undefined) config.call_ring_timeout_ms = nonNegative(body.call_ring_timeout_ms, 'call_ring_timeout_ms');
  if (body.media_tls_insecure !== undefined) {
    if (typeof body.media_tls_insecure !== 'boolean') throw new ControlInputError('media_tls_insecure must be true or false');
    config.media_tls_insecure = body.media_tls_insecure;
  }
  if (body.purchase_pending_ms !== undefined) config.purchase_pending_ms = nonNegative(body.purchase_pending_ms, 'purchase_pending_ms');
  if (body.webhook_url !== undefined) {
    if (body.webhook_url !== null && !URL.canParse(body.webhook_url)) throw new ControlInputError('webhook_url must be a URL or null');
    config.webhook_url = body.webhook_url;
  }
  const inventory = body.inventory;
  if (inventory?.toll_free !== undefined) config.inventory.toll_free = nonNegative(inventory.toll_free, 'inventory.toll_free');
  for (const [state, count] of Object.entries(inventory?.local ?? {})) {
    config.inventory.local[state.toUpperCase() === 'DEFAULT' ? 'default' : state.toUpperCase()] = nonNegative(count, `inventory.local.${state}`);
  }
}

export interface ControlAnswer {
  status: number;
  body: unknown;
}

/**
 * Answers `/_sandbox/*`; throws ControlInputError / FaultInputError / CallControlError for 4xx. A
 * `GET /_sandbox/calls/{id}?wait_for=…` answers once the call reached that state (or its timeout passed).
 */
export function handleControl(
  ctx: SandboxContext,
  control: ControlState,
  method: string,
  path: string,
  body: Record<string, any>,
  query = new URLSearchParams(),
): ControlAnswer | Promise<ControlAnswer> {
  const route = `${method} ${path
    .replace(/^\/_sandbox/, '')
    .replace(/\/orders\/[^/]+\/complete$/, '/orders/:id/complete')
    .replace(/^\/calls\/[^/]+/, '/calls/:id')}`;
  const callId = () => {
    const raw = path.split('/')[3]!;
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  };
  const ok = (answer: unknown): ControlAnswer => ({ status: 200, body: answer });
  switch (route) {
    case 'GET /numbers':
      return ok(ctx.state.numbers.map((number) => {
        const { id, phone_number, status, customer_reference, connection_id, tags, created_at } = toNumberJson(number);
        // Which order bought it: the number's own customer_reference stays null until a PATCH sets it.
        const order = ctx.state.orders.find((each) => each.id === number.order_id);
        return { id, phone_number, status, customer_reference, connection_id, tags, created_at, order_id: number.order_id, order_customer_reference: order?.customer_reference ?? null };
      }));
    case 'GET /orders':
      return ok(ctx.state.orders.map(toOrderJson));
    case 'POST /orders/:id/complete': {
      const order = findOrder(ctx, path.split('/')[3]!);
      completeOrder(ctx, order, body.status === 'failure' ? 'failure' : 'success');
      return ok(toOrderJson(order));
    }
    case 'POST /calls': {
      const call = ctx.calls.ring(body);
      const { call_control_id, call_leg_id, call_session_id } = call;
      return { status: 201, body: { call_control_id, call_leg_id, call_session_id } };
    }
    case 'GET /calls':
      return ok(ctx.calls.list());
    case 'GET /calls/:id': {
      const wait = parseCallWait(query);
      const call = ctx.calls.get(callId());
      if (!call) return { status: 404, body: { error: 'call_not_found', detail: `No call ${callId()}` } };
      return wait ? ctx.calls.waitFor(call, wait.target, wait.timeoutMs).then(ok) : ok(call);
    }
    case 'POST /calls/:id/hangup':
      return ok(ctx.calls.callerHangup(callId()));
    case 'GET /requests':
      return ok(control.requests);
    case 'GET /webhooks':
      return ok(control.webhooks);
    case 'GET /faults':
      return ok(control.faults);
    case 'POST /faults': {
      const fault = parseFault(body);
      control.faults.push(fault);
      return { status: 201, body: { id: fault.id } };
    }
    case 'DELETE /faults':
      control.faults.length = 0;
      return ok({ cleared: true });
    case 'GET /config':
      return ok(ctx.state.config);
    case 'POST /config':
      applyConfig(ctx.state.config, body);
      ctx.persist();
      return ok(ctx.state.config);
    case 'POST /reset':
      control.reset();
      return ok({ reset: true, config: ctx.state.config });
    case 'GET /public-key':
      return ok({ public_key: ctx.keys.publicKey });
    default:
      return { status: 404, body: { error: 'not_found', detail: `No control route ${method} ${path}` } };
  }
}

