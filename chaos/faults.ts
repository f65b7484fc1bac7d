import type { FaultSpec, SandboxConfigPatch } from '../sandbox/control-client.js';
import type { Profile } from './profiles.js';
import type { Random } from './random.js';
import type { ChaosStack } from './stack.js';

export const faultKinds = [
  'carrier_error_rate',
  'carrier_hang',
  'order_commit_then_error',
  'number_taken',
  'orders_delayed',
  'orders_failing',
  'worker_killed',
  'temporal_restarted',
  'postgres_connections_killed',
  'order_list_lag',
  'account_on_hold',
] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface InjectedFault {
  /** Ms from the start of the load. */
  atMs: number;
  kind: FaultKind;
  detail: string;
  error?: string;
}

const carrierPaths = ['/v2/available_phone_numbers', '/v2/number_orders', '/v2/number_orders/*', '/v2/phone_numbers*'];
const errors = [
  { status: 500, code: '10007' },
  { status: 502, code: '10007' },
  { status: 503, code: '10007' },
  { status: 429, code: '10011' },
];

/** Applies faults to the stack; sandbox config changes are windows that end on their own. */
export function createFaultInjector(stack: ChaosStack, random: Random, profile: Profile) {
  const reverts = new Map<string, NodeJS.Timeout>();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const sandboxFault = async (fault: FaultSpec) => {
    await stack.control.addFault(fault);
    return `${fault.method ?? '*'} ${fault.path} ${JSON.stringify(fault.action)} x${fault.times} p=${fault.probability ?? 1}`;
  };
  /** Applies `patch` now and `undo` after `windowMs`; a later window of the same setting replaces the pending undo. */
  const configWindow = async (setting: string, patch: SandboxConfigPatch, undo: SandboxConfigPatch, windowMs: number) => {
    clearTimeout(reverts.get(setting));
    await stack.control.configure(patch);
    reverts.set(setting, setTimeout(() => void stack.control.configure(undo).catch(() => undefined), windowMs));
  };
  const completionWindow = async (mode: 'delayed' | 'fail', delayMs: number, windowMs: number) => {
    await configWindow('order_completion', { order_completion: { mode, delay_ms: delayMs } }, { order_completion: { mode: 'instant' } }, windowMs);
    return `mode ${mode}${mode === 'delayed' ? ` ${delayMs} ms` : ''} for ${windowMs} ms`;
  };

  const actions: Record<FaultKind, () => Promise<string>> = {
    carrier_error_rate: () =>
      sandboxFault({ path: random.pick([...carrierPaths, '/v2/*']), action: { type: 'error', ...random.pick(errors) }, times: random.int(5, 20), probability: random.pick([0.3, 0.5, 0.8]) }),
    carrier_hang: () => sandboxFault({ path: random.pick(carrierPaths), action: { type: 'hang' }, times: random.int(1, 2), probability: 1 }),
    order_commit_then_error: () =>
      sandboxFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'commit_then_error', status: random.pick([500, 502, 503]) }, times: random.int(1, 3), probability: 1 }),
    number_taken: () => sandboxFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'taken' }, times: random.int(1, 3), probability: 1 }),
    // Up to 1.5x the order deadline: some orders outlive it and are released by compensation once they settle.
    orders_delayed: () => completionWindow('delayed', random.int(500, Math.round(profile.orderDeadlineMs * 1.5)), random.int(4_000, 12_000)),
    orders_failing: () => completionWindow('fail', 0, random.int(3_000, 8_000)),
    worker_killed: async () => {
      await stack.worker.kill();
      const downMs = random.int(0, 3_000);
      await sleep(downMs);
      stack.worker.start();
      return `SIGKILL, restarted after ${downMs} ms`;
    },
    temporal_restarted: async () => {
      const downMs = random.int(0, 2_000);
      await stack.restartTemporal(downMs);
      return `stopped and started on its SQLite file after ${downMs} ms`;
    },
    postgres_connections_killed: async () => `${await stack.database.killConnections()} backends terminated`,
    // Lists lag behind creates, which only matters when a create's answer is lost: the window opens with
    // one, so the adapter's lookup by reference meets the lag it must survive.
    order_list_lag: async () => {
      const lagMs = random.int(500, 6_000);
      const windowMs = random.int(4_000, 10_000);
      await configWindow('order_list_lag_ms', { order_list_lag_ms: lagMs }, { order_list_lag_ms: 0 }, windowMs);
      const ambiguous = await sandboxFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'commit_then_error', status: 503 }, times: 1, probability: 1 });
      return `orders listed ${lagMs} ms after creation for ${windowMs} ms, opened by ${ambiguous}`;
    },
    account_on_hold: async () => {
      const windowMs = random.int(2_000, 6_000);
      await configWindow('account_on_hold', { account_on_hold: true }, { account_on_hold: false }, windowMs);
      return `every /v2 call 403 for ${windowMs} ms`;
    },
  };

  return {
    async inject(kind: FaultKind): Promise<string> {
      return actions[kind]();
    },
    /** Clears every fault and closes every config window (instant completion, no lag, no hold). */
    async clear(): Promise<void> {
      for (const timer of reverts.values()) clearTimeout(timer);
      reverts.clear();
      await stack.control.clearFaults();
      await stack.control.configure({ order_completion: { mode: 'instant' }, order_list_lag_ms: 0, account_on_hold: false });
    },
  };
}

export type FaultInjector = ReturnType<typeof createFaultInjector>;
