/** Latency percentiles and rate of one measured run. */
export interface RunStats {
  /** Requests that completed as expected. */
  count: number;
  /** Requests that failed or answered an unexpected status. */
  errors: number;
  p50Ms: number;
  /** null where the load tool gives none (autocannon reports p90 and p97.5). */
  p95Ms: number | null;
  p99Ms: number;
  meanMs: number;
  /** Successful requests per second of wall time. */
  perSecond: number;
  durationMs: number;
}

/** Nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function summarize(latenciesMs: readonly number[], errors: number, durationMs: number): RunStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((sum, value) => sum + value, 0) / sorted.length : 0;
  return {
    count: sorted.length,
    errors,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: round(mean),
    perSecond: round(durationMs > 0 ? (sorted.length * 1000) / durationMs : 0),
    durationMs: Math.round(durationMs),
  };
}

/** a / b rounded, or null when b is 0 (nothing to compare against). */
export function ratio(a: number, b: number, digits = 2): number | null {
  return b > 0 ? round(a / b, digits) : null;
}

/** p50 and p90 of unsorted values, in whole ms. */
export function p50p90(values: readonly number[]): { p50: number; p90: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: Math.round(percentile(sorted, 50)), p90: Math.round(percentile(sorted, 90)) };
}
