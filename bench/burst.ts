import { summarize, type RunStats } from './stats.js';

export interface BurstOptions<T> {
  /** Requests started at the same instant in each round. */
  size: number;
  rounds: number;
  /** One request (`n` counts over all rounds); resolves what `latencyOf` and `settle` read, rejects on failure. */
  request(n: number): Promise<T>;
  latencyOf(result: T): number;
  /** After each round, before the next: let the round's leftover work finish (bounded), so rounds do not overlap. */
  settle(results: T[]): Promise<void>;
}

/**
 * `rounds` bursts of `size` requests started together (not a closed loop: nothing is started while a
 * burst runs), each round waiting for the previous one to settle. `durationMs` and `perSecond` cover the
 * bursts and the settling between them, so only the percentiles mean anything. Bounded by `rounds`.
 */
export async function runBursts<T>(options: BurstOptions<T>): Promise<RunStats & { firstError?: string; results: T[] }> {
  const results: T[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  for (let round = 0; round < options.rounds; round += 1) {
    const settled = await Promise.allSettled(Array.from({ length: options.size }, (_, i) => options.request(round * options.size + i)));
    const done: T[] = [];
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') done.push(outcome.value);
      else {
        errors += 1;
        firstError ??= outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
      }
    }
    results.push(...done);
    await options.settle(done);
  }
  const stats = summarize(results.map(options.latencyOf), errors, performance.now() - started);
  return { ...stats, ...(firstError ? { firstError } : {}), results };
}
