import type { FaultSpec } from '../test/support/sandbox-control.js';
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
] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface PlannedFault {
  atMs: number;
  kind: FaultKind;
}

export interface InjectedFault {
  atMs: number;
  kind: FaultKind;
  detail: string;
  error?: string;
}

/**
 * The schedule a seed yields: faults at random gaps over the whole run, every kind at least once
 * within the first 70% (so each one meets load), the other slots random kinds.
 */
export function planFaults(random: Random, profile: Profile, durationMs: number): PlannedFault[] {
  const slots: number[] = [];
  for (let at = 1_000 + random.int(0, profile.faultGapMs[0]); at <= durationMs - 3_000; at += random.int(...profile.faultGapMs)) slots.push(at);
  const early = slots.filter((at) => at <= durationMs * 0.7);
  if (early.length < faultKinds.length) {
    // Too short for the gaps: space one of each kind evenly instead.
    const spacing = (durationMs * 0.7) / faultKinds.length;
    return random.shuffle(faultKinds).map((kind, index) => ({ atMs: Math.round(1_000 + index * spacing), kind }));
  }
  const guaranteed = new Map(random.shuffle(early).slice(0, faultKinds.length).map((at, index) => [at, faultKinds[index]!]));
  return slots.map((atMs) => ({ atMs, kind: guaranteed.get(atMs) ?? random.pick(faultKinds) }));
}

const carrierPaths = ['/v2/available_phone_numbers', '/v2/number_orders', '/v2/number_orders/*', '/v2/phone_numbers*'];
const errors = [
  { status: 500, code: '10007' },
  { status: 502, code: '10007' },
  { status: 503, code: '10007' },
  { status: 429, code: '10011' },
];

/** Applies faults to the stack; order-completion modes are windows that end on their own. */
export function createFaultInjector(stack: ChaosStack, random: Random, profile: Profile) {
  let completionRevert: NodeJS.Timeout | undefined;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const sandboxFault = async (fault: FaultSpec) => {
    await stack.control.addFault(fault);
    return `${fault.method ?? '*'} ${fault.path} ${JSON.stringify(fault.action)} x${fault.times} p=${fault.probability ?? 1}`;
  };
  const completionWindow = async (mode: 'delayed' | 'fail', delayMs: number, windowMs: number) => {
    clearTimeout(completionRevert);
    await stack.control.configure({ order_completion: { mode, delay_ms: delayMs } });
    completionRevert = setTimeout(() => void stack.control.configure({ order_completion: { mode: 'instant' } }).catch(() => undefined), windowMs);
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
  };

  return {
    async inject(kind: FaultKind): Promise<string> {
      return actions[kind]();
    },
    /** Clears every fault and returns to instant completion, for the quiescence phase. */
    async clear(): Promise<void> {
      clearTimeout(completionRevert);
      await stack.control.clearFaults();
      await stack.control.configure({ order_completion: { mode: 'instant' } });
    },
  };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs the plan against the clock until it is done or `signal` aborts; faults run one at a time. */
export async function runFaultSchedule(
  plan: PlannedFault[],
  injector: ReturnType<typeof createFaultInjector>,
  startedAt: number,
  signal: AbortSignal,
): Promise<InjectedFault[]> {
  const injected: InjectedFault[] = [];
  for (const planned of plan) {
    const wait = startedAt + planned.atMs - Date.now();
    if (wait > 0) await abortableSleep(wait, signal);
    if (signal.aborted) break;
    const atMs = Date.now() - startedAt;
    try {
      injected.push({ atMs, kind: planned.kind, detail: await injector.inject(planned.kind) });
    } catch (error) {
      injected.push({ atMs, kind: planned.kind, detail: 'failed to inject', error: error instanceof Error ? error.message : String(error) });
    }
  }
  return injected;
}
