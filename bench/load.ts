import autocannon from 'autocannon';
import { summarize, type RunStats } from './stats.js';

export interface ClosedLoopOptions {
  concurrency: number;
  /** Stop issuing requests after this long. */
  durationMs: number;
  /** And after this many (so inventory and seeded identities always suffice). */
  maxRequests: number;
  /**
   * One request; `worker` is the loop's index (0..concurrency-1), `n` the request's index. Rejects on
   * failure. It may resolve the latency to record (measured by someone else's clock); else the time it took is.
   */
  request(worker: number, n: number): Promise<void | number>;
}

/**
 * `concurrency` loops each issuing one request after the other until time or count runs out; every
 * request's latency is measured around `request`. Bounded in time and count.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<RunStats & { firstError?: string }> {
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const loop = async (worker: number) => {
    while (performance.now() < deadline && issued < options.maxRequests) {
      const n = issued++;
      const t0 = performance.now();
      try {
        const measured = await options.request(worker, n);
        latencies.push(typeof measured === 'number' ? measured : performance.now() - t0);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, worker) => loop(worker)));
  const stats = summarize(latencies, errors, performance.now() - started);
  return firstError ? { ...stats, firstError } : stats;
}

export interface FixedRateReadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

/** autocannon at a fixed number of connections (no pipelining): throughput and latency percentiles. */
export async function runReadLoad(options: FixedRateReadOptions): Promise<RunStats> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: options.headers ?? {},
  });
  const ok = result['2xx'];
  const durationMs = result.duration * 1000;
  return {
    count: ok,
    errors: result.errors + result.timeouts + result.non2xx,
    p50Ms: result.latency.p50,
    p95Ms: null,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
    perSecond: Math.round((ok * 10) / result.duration) / 10,
    durationMs,
  };
}
