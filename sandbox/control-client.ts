import type { CallRecord } from './calls.js';
import type { FaultAction } from './faults.js';
import type { SandboxConfig } from './state.js';

export type { FaultAction };
export type { CallAction, CallCommandRecord, CallEventRecord, CallRecord, CallState, StreamRecord } from './calls.js';
export type { StreamFrameRecord } from './media-stream.js';

/** The ids `POST /_sandbox/calls` answers: `call_control_id` is the handle for every Call Control command. */
export interface SandboxCallIds {
  call_control_id: string;
  call_leg_id: string;
  call_session_id: string;
}

/** A fault to add through `POST /_sandbox/faults`. */
export interface FaultSpec {
  method?: string;
  /** Exact path (e.g. `/v2/number_orders`) or a prefix ending in `*`. */
  path: string;
  action: FaultAction;
  /** Defaults to 1; null = until cleared. */
  times?: number | null;
  probability?: number;
}

/** Any subset of the sandbox config; `inventory.local` merges per state. */
export interface SandboxConfigPatch {
  order_completion?: Partial<SandboxConfig['order_completion']>;
  latency_ms?: number;
  webhook_url?: string | null;
  purchase_pending_ms?: number;
  /** A new order appears in `GET /v2/number_orders` lists only this many ms after creation (default 0). */
  order_list_lag_ms?: number;
  /** While true, every authenticated `/v2` call answers 403 with code 10010 (default false). */
  account_on_hold?: boolean;
  /** How long a call rings unanswered before the caller gives up (default 60000). */
  call_ring_timeout_ms?: number;
  /** Development only: accept self-signed certificates of `wss` media-stream servers (default false). */
  media_tls_insecure?: boolean;
  inventory?: { toll_free?: number; local?: Record<string, number> };
}

export interface SandboxOwnedNumber {
  id: string;
  phone_number: string;
  status: string;
  customer_reference: string | null;
  connection_id: string | null;
  tags: string[];
  created_at: string;
  /** The order that bought it, and that order's customer_reference (the number's own stays null until PATCHed). */
  order_id: string | null;
  order_customer_reference: string | null;
}

export interface SandboxOrder {
  id: string;
  status: 'pending' | 'success' | 'failure';
  customer_reference: string | null;
  connection_id: string | null;
  phone_numbers: { id: string; phone_number: string; status: string }[];
  sub_number_orders_ids: string[];
  created_at: string;
}

export interface SandboxRequest {
  method: string;
  path: string;
  query: string;
  status: number | null;
  at: string;
}

export interface SandboxWebhookDelivery {
  event_id: string;
  event_type: string;
  url: string;
  attempt: number;
  status: number | null;
}

export type SandboxControl = ReturnType<typeof createSandboxControl>;

/** Typed client for the sandbox control API (`/_sandbox/*`); `sandboxUrl` has no `/v2`. */
export function createSandboxControl(sandboxUrl: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${sandboxUrl}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T;
    if (!response.ok) throw new Error(`sandbox control ${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  }

  return {
    addFault: (fault: FaultSpec) => call<{ id: string }>('POST', '/faults', fault),
    clearFaults: () => call<unknown>('DELETE', '/faults').then(() => undefined),
    configure: (patch: SandboxConfigPatch) => call<SandboxConfig>('POST', '/config', patch),
    reset: () => call<unknown>('POST', '/reset').then(() => undefined),
    ownedNumbers: () => call<SandboxOwnedNumber[]>('GET', '/numbers'),
    orders: () => call<SandboxOrder[]>('GET', '/orders'),
    /** Settles a pending order by hand (useful with mode `never`); sends its webhook. */
    completeOrder: (orderId: string, status: 'success' | 'failure' = 'success') =>
      call<SandboxOrder>('POST', `/orders/${orderId}/complete`, { status }),
    requests: () => call<SandboxRequest[]>('GET', '/requests'),
    webhooks: () => call<SandboxWebhookDelivery[]>('GET', '/webhooks'),
    /** Rings `to` (an active number of this account, on a connection) from `from`; sends signed `call.initiated`. */
    ringCall: (dial: { to: string; from: string }) => call<SandboxCallIds>('POST', '/calls', dial),
    /** The caller hangs up (originator_cancel before the answer, normal_clearing after); sends `call.hangup`. */
    hangUpCall: (callControlId: string) => call<CallRecord>('POST', `/calls/${encodeURIComponent(callControlId)}/hangup`),
    /** A call with its state, the commands it received (bodies, times), the events sent (times) and its stream frames. */
    getCall: (callControlId: string) => call<CallRecord>('GET', `/calls/${encodeURIComponent(callControlId)}`),
    calls: () => call<CallRecord[]>('GET', '/calls'),
    /**
     * The call once its first answer or reject was applied or it ended, or after `timeoutMs` (then as it is):
     * one request held by the sandbox (`?wait_for=decision`), no polling.
     */
    waitForDecision: (callControlId: string, timeoutMs = 10_000) =>
      call<CallRecord>('GET', `/calls/${encodeURIComponent(callControlId)}?wait_for=decision&timeout_ms=${timeoutMs}`),
    /** Polls the call every 20 ms until `until(call)` holds; throws with the last state after `timeoutMs` (default 10 s). */
    async waitForCall(callControlId: string, until: (call: CallRecord) => boolean, timeoutMs = 10_000): Promise<CallRecord> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await call<CallRecord>('GET', `/calls/${encodeURIComponent(callControlId)}`);
        if (until(current)) return current;
        if (Date.now() > deadline) throw new Error(`sandbox call ${callControlId} did not reach the awaited state in ${timeoutMs} ms: ${JSON.stringify({ state: current.state, events: current.events.map((event) => event.event_type), stream: current.stream?.state })}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    publicKey: () => call<{ public_key: string }>('GET', '/public-key').then((answer) => answer.public_key),
  };
}
