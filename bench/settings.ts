/** How long and how hard each scenario runs; `--quick` is the smoke-test size. */
export interface BenchSettings {
  quick: boolean;
  latenciesMs: number[];
  concurrencies: number[];
  /** Seconds per measured provisioning run (the concurrency-1 runs get 1.5 times as long). */
  runSeconds: number;
  /** Cap on provisionings per run, so seeded identities and sandbox inventory always suffice. */
  maxRequestsPerRun: number;
  readSeconds: number;
  readConnections: number;
  /** Calls in flight at once in the call-decision runs. */
  callConcurrencies: number[];
  /** Seconds per measured call-decision run, and the cap on calls in one. */
  callSeconds: number;
  maxCallsPerRun: number;
  /** Rounds of the call-decision bursts (each of a concurrency's calls rung at once). */
  callBurstRounds: number;
  /** Numbers provisioned for each incoming_call_action the calls ring. */
  callNumbersPerAction: number;
  logLevel: string;
}

export function benchSettings(quick: boolean, logLevel = 'info'): BenchSettings {
  const calls = { callConcurrencies: [1, 20], callSeconds: quick ? 2 : 8, maxCallsPerRun: quick ? 200 : 2000, callBurstRounds: quick ? 2 : 5, callNumbersPerAction: quick ? 2 : 5 };
  return quick
    ? { quick, latenciesMs: [0, 50], concurrencies: [1, 8], runSeconds: 1.5, maxRequestsPerRun: 300, readSeconds: 1, readConnections: 8, ...calls, logLevel }
    : { quick, latenciesMs: [0, 50], concurrencies: [1, 8, 32], runSeconds: 8, maxRequestsPerRun: 1500, readSeconds: 5, readConnections: 16, ...calls, logLevel };
}
