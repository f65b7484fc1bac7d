import { cpuWindow } from './cpu.js';
import { summarize, type RunStats } from './stats.js';

/** One of the setups compared by `runAlternatingBursts` (the service, its baseline). */
export interface BurstSide<T> {
  /** Before each of its rounds: e.g. point the sandbox's webhooks at this side. */
  prepare(): Promise<void>;
  /** One request (`n` counts over this side's rounds); resolves what `latencyOf` and `settle` read, rejects on failure. */
  request(n: number): Promise<T>;
  /** After each of its rounds, before the next round of either side: let its leftover work finish (bounded). */
  settle(results: T[]): Promise<void>;
  /** The processes whose CPU is counted over this side's rounds (their settling included). */
  processes(): { name: string; pid: number | null }[];
}

export interface BurstOptions<T> {
  /** Requests started at the same instant in each round. */
  size: number;
  /** Rounds per side. */
  rounds: number;
  latencyOf(result: T): number;
  sides: BurstSide<T>[];
}

export type BurstStats<T> = RunStats & { firstError?: string; results: T[]; cpuMsPerOperation: Record<string, number | null> };

/**
 * `rounds` bursts per side of `size` requests started together (not a closed loop: nothing else is started
 * while a burst runs), the sides taking turns round by round so that the machine's changing load falls on
 * both alike; each round settles before the next. `durationMs` and `perSecond` cover the bursts and their
 * settling, so only the percentiles mean anything. Bounded by `rounds`.
 */
export async function runAlternatingBursts<T>(options: BurstOptions<T>): Promise<BurstStats<T>[]> {
  const runs = options.sides.map(() => ({ results: [] as T[], errors: 0, firstError: undefined as string | undefined, durationMs: 0, cpuMs: new Map<string, number | null>() }));
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [index, side] of options.sides.entries()) {
      const run = runs[index]!;
      await side.prepare();
      const cpu = cpuWindow(side.processes());
      const started = performance.now();
      const settled = await Promise.allSettled(Array.from({ length: options.size }, (_, i) => side.request(round * options.size + i)));
      const done: T[] = [];
      for (const outcome of settled) {
        if (outcome.status === 'fulfilled') done.push(outcome.value);
        else {
          run.errors += 1;
          run.firstError ??= outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
        }
      }
      run.results.push(...done);
      await side.settle(done);
      run.durationMs += performance.now() - started;
      for (const [name, ms] of Object.entries(cpu.perOperation(1))) {
        const sum = run.cpuMs.has(name) ? run.cpuMs.get(name)! : 0;
        run.cpuMs.set(name, sum === null || ms === null ? null : sum + ms);
      }
    }
  }
  return runs.map((run) => {
    const stats = summarize(run.results.map(options.latencyOf), run.errors, run.durationMs);
    const operations = stats.count + stats.errors;
    const cpuMsPerOperation = Object.fromEntries(
      [...run.cpuMs].map(([name, ms]) => [name, ms === null || operations === 0 ? null : Math.round((ms * 10) / operations) / 10]),
    );
    return { ...stats, ...(run.firstError ? { firstError: run.firstError } : {}), results: run.results, cpuMsPerOperation };
  });
}
