import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type CompletionMode = 'instant' | 'delayed' | 'never' | 'fail';

/** Sandbox behaviour, changed through `POST /_sandbox/config`. */
export interface SandboxConfig {
  order_completion: { mode: CompletionMode; delay_ms: number };
  latency_ms: number;
  webhook_url: string | null;
  /** How long a number still reads `purchase-pending` after its order succeeded (default 0). */
  purchase_pending_ms: number;
  /**
   * How long a new order stays out of `GET /v2/number_orders` lists (default 0): lists are not
   * documented as read-after-write consistent. `GET /v2/number_orders/{id}` is immediate.
   */
  order_list_lag_ms: number;
  /** While true, every authenticated `/v2` call answers 403 (code 10010), as for an account on hold. */
  account_on_hold: boolean;
  /** How long an incoming call rings unanswered before the caller gives up (call.hangup, originator_cancel). */
  call_ring_timeout_ms: number;
  /** Development only: accept any TLS certificate of a `wss` media-stream server (self-signed ones). */
  media_tls_insecure: boolean;
  /** Numbers in stock: toll-free in total, local per state (`default` for states not named). */
  inventory: { toll_free: number; local: Record<string, number> & { default?: number } };
}

/** A number resource this account owns, as `GET /v2/phone_numbers` shows it. */
export interface NumberRecord {
  id: string;
  record_type: 'phone_number';
  phone_number: string;
  phone_number_type: 'local' | 'toll_free';
  connection_id: string | null;
  customer_reference: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  /** Epoch ms from which the number reads `active`; null while its order is pending. */
  active_from: number | null;
  /** The order that bought it (sandbox bookkeeping, never on `/v2`). */
  order_id: string | null;
}

export interface OrderLine {
  id: string;
  record_type: 'number_order_phone_number';
  phone_number: string;
  phone_number_type: 'local' | 'toll_free';
  status: 'pending' | 'success' | 'failure';
  requirements_status: 'pending' | 'approved' | 'cancelled';
  requirements_met: boolean;
  regulatory_requirements: unknown[];
}

/** One sub number order: Telnyx splits an order by country and number type. */
export interface SubOrderRecord {
  id: string;
  phone_number_type: 'local' | 'toll_free';
  status: 'pending' | 'success' | 'failure';
  created_at: string;
  updated_at: string;
}

export interface OrderRecord {
  id: string;
  record_type: 'number_order';
  status: 'pending' | 'success' | 'failure';
  phone_numbers: OrderLine[];
  phone_numbers_count: number;
  connection_id: string | null;
  customer_reference: string | null;
  messaging_profile_id: string | null;
  billing_group_id: string | null;
  requirements_met: boolean;
  created_at: string;
  updated_at: string;
  sub_orders: SubOrderRecord[];
  /** Epoch ms from which the order appears in lists (`order_list_lag_ms` at creation). */
  listed_from?: number;
  /** When a pending order completes (epoch ms) and how; absent for `never`. */
  complete_at?: number;
  outcome?: 'success' | 'failure';
}

/** Everything the sandbox remembers; what `stateFile` holds. */
export interface SandboxState {
  config: SandboxConfig;
  numbers: NumberRecord[];
  orders: OrderRecord[];
  /** E.164 numbers no longer in inventory: bought by us, or by "someone else" (the `taken` fault). */
  sold: string[];
  /** E.164 → epoch ms of release; released numbers stay out of inventory for a while. */
  released: Record<string, number>;
  next_number_seq: number;
  /** Where in the numbering plan this sandbox's pools start; see `SandboxOptions.numberOffset`. */
  number_offset: number;
  keys: { private_key_pem: string; public_key: string } | null;
}

export function defaultConfig(webhookUrl: string | null): SandboxConfig {
  return {
    order_completion: { mode: 'instant', delay_ms: 500 },
    latency_ms: 0,
    webhook_url: webhookUrl,
    purchase_pending_ms: 0,
    order_list_lag_ms: 0,
    account_on_hold: false,
    call_ring_timeout_ms: 60_000,
    media_tls_insecure: false,
    inventory: { toll_free: 100, local: { default: 25 } },
  };
}

export function emptyState(webhookUrl: string | null): SandboxState {
  return { config: defaultConfig(webhookUrl), numbers: [], orders: [], sold: [], released: {}, next_number_seq: 1, number_offset: 0, keys: null };
}

export function loadState(stateFile: string | undefined, webhookUrl: string | null): SandboxState {
  if (!stateFile || !existsSync(stateFile)) return emptyState(webhookUrl);
  const loaded = JSON.parse(readFileSync(stateFile, 'utf8')) as SandboxState;
  return {
    ...emptyState(webhookUrl),
    ...loaded,
    config: { ...defaultConfig(webhookUrl), ...loaded.config },
    orders: (loaded.orders ?? []).map(withSubOrders),
    numbers: (loaded.numbers ?? []).map((number) => ({ ...number, order_id: number.order_id ?? null })),
  };
}

/** Orders saved before sub-orders were modelled get one per number type, in the order's status. */
function withSubOrders(order: OrderRecord): OrderRecord {
  if (order.sub_orders) return order;
  const types = [...new Set(order.phone_numbers.map((line) => line.phone_number_type))];
  const sub_orders = types.map((type) => ({ id: randomUUID(), phone_number_type: type, status: order.status, created_at: order.created_at, updated_at: order.updated_at }));
  return { ...order, sub_orders };
}

/** Writes atomically (temp file + rename) so a crash never leaves half a file. */
export function saveState(stateFile: string | undefined, state: SandboxState): void {
  if (!stateFile) return;
  mkdirSync(dirname(stateFile), { recursive: true });
  const temp = `${stateFile}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, stateFile);
}
