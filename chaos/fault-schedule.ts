import { faultKinds, type FaultInjector, type FaultKind, type InjectedFault } from './faults.js';
import type { Profile } from './profiles.js';
import type { Random } from './random.js';

export interface PlannedFault {
  /** Which storm (0-based) it belongs to. */
  storm: number;
  /** Ms from the start of its storm. */
  atMs: number;
  kind: FaultKind;
}

/** A stretch of the load with no fault open, past its settle time: where the liveness floor is measured. */
export interface CalmWindow {
  /** Ms from the start of the load. */
  fromMs: number;
  toMs: number;
  /** How long the worker took to poll again after the storm before it (null: it did not within the bound). */
  recoveryMs: number | null;
}

/** How long a calm waits for the worker to poll again before it starts anyway (and the floor judges). */
const recoveryBoundMs = 60_000;

/**
 * The schedule a seed yields: storms of faults at random gaps, every kind at least once in the
 * earliest storms that have room for all of them (so each meets load), the other slots random kinds.
 */
export function planFaults(random: Random, profile: Profile, durationMs: number): PlannedFault[] {
  const storms = Math.max(1, Math.ceil(durationMs / (profile.stormMs + profile.calmMs)));
  const slots: Omit<PlannedFault, 'kind'>[] = [];
  for (let storm = 0; storm < storms; storm += 1) {
    for (let at = random.int(500, profile.faultGapMs[0]); at <= profile.stormMs - 1_000; at += random.int(...profile.faultGapMs)) slots.push({ storm, atMs: at });
  }
  if (slots.length < faultKinds.length) {
    // Too short for the gaps: space one of each kind evenly over the first storm instead.
    const spacing = profile.stormMs / faultKinds.length;
    return random.shuffle(faultKinds).map((kind, index) => ({ storm: 0, atMs: Math.round(500 + index * spacing), kind }));
  }
  const lastEarlyStorm = slots[faultKinds.length - 1]!.storm;
  const early = slots.filter((slot) => slot.storm <= lastEarlyStorm);
  const guaranteed = new Map(random.shuffle(early).slice(0, faultKinds.length).map((slot, index) => [slot, faultKinds[index]!]));
  return slots.map((slot) => ({ ...slot, kind: guaranteed.get(slot) ?? random.pick(faultKinds) }));
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface ScheduleDeps {
  injector: FaultInjector;
  /** Resolves once the service's worker polls again (ms it took), or null past `timeoutMs`. */
  awaitRecovery(timeoutMs: number, signal: AbortSignal): Promise<number | null>;
  profile: Profile;
}

/**
 * Runs the plan against the clock until `signal` aborts: each storm injects its faults one at a time,
 * then every fault is cleared, the worker must poll again, and a calm follows. After the last storm
 * the calm lasts until the load ends.
 */
export async function runFaultSchedule(plan: PlannedFault[], deps: ScheduleDeps, startedAt: number, signal: AbortSignal) {
  const { injector, profile } = deps;
  const injected: InjectedFault[] = [];
  const calmWindows: CalmWindow[] = [];
  const since = () => Date.now() - startedAt;
  const storms = Math.max(0, ...plan.map((fault) => fault.storm)) + 1;
  for (let storm = 0; storm < storms && !signal.aborted; storm += 1) {
    const stormStart = Date.now();
    for (const planned of plan.filter((fault) => fault.storm === storm)) {
      await abortableSleep(stormStart + planned.atMs - Date.now(), signal);
      if (signal.aborted) break;
      const atMs = since();
      try {
        injected.push({ atMs, kind: planned.kind, detail: await injector.inject(planned.kind) });
      } catch (error) {
        injected.push({ atMs, kind: planned.kind, detail: 'failed to inject', error: error instanceof Error ? error.message : String(error) });
      }
    }
    await abortableSleep(stormStart + profile.stormMs - Date.now(), signal);
    if (signal.aborted) break;
    await injector.clear();
    const recoveryMs = await deps.awaitRecovery(recoveryBoundMs, signal);
    await abortableSleep(profile.calmSettleMs, signal);
    if (signal.aborted) break;
    const fromMs = since();
    await abortableSleep(storm < storms - 1 ? profile.calmMs : Number.POSITIVE_INFINITY, signal);
    calmWindows.push({ fromMs, toMs: since(), recoveryMs });
  }
  return { injected, calmWindows };
}
