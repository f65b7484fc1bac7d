import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../ops/cli-args.js';
import type { RequestRecord } from './api-client.js';
import { saveEvidence } from './evidence.js';
import { planFaults, runFaultSchedule } from './fault-schedule.js';
import { createFaultInjector } from './faults.js';
import {
  documentedStatuses,
  idempotentDuplicatesAgree,
  livenessOutsideFaultWindows,
  noDoublePurchase,
  noOrganizationOverLimit,
  noOrphanedNumbers,
  noStuckWorkflow,
  provisionedNumberIds,
} from './invariants.js';
import { startLimitSampler } from './limit-sampler.js';
import { createOrganizations, runLoad } from './load.js';
import { parseChaosOptions, usage, type ChaosOptions } from './options.js';
import { waitForQuiescence } from './quiescence.js';
import { createRandom } from './random.js';
import { formatReport, formatTimeline, type ChaosReport } from './report.js';
import { startChaosStack } from './stack.js';
import { awaitWorkerPolling } from './worker-ready.js';

const serverUrl = process.env.CHAOS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (line: string) => console.error(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function run(options: ChaosOptions): Promise<ChaosReport> {
  const { profile, seed } = options;
  const started = Date.now();
  log(`profile ${profile.name}, seed ${seed}, load ${profile.durationMs / 1000} s: starting the stack`);
  const stack = await startChaosStack(profile, serverUrl);
  try {
    if ((await awaitWorkerPolling(stack, 120_000)) === null) throw new Error(`the worker did not poll ${stack.taskQueue} within 120000 ms`);
    const records: RequestRecord[] = [];
    const organizations = await createOrganizations(stack.db, stack.apiUrl, profile, records);
    const plan = planFaults(createRandom(seed), profile, profile.durationMs);
    const injector = createFaultInjector(stack, createRandom(seed + 1), profile);
    log(`stack up in ${stack.dir}; ${organizations.length} organizations; ${plan.length} faults planned in ${new Set(plan.map((fault) => fault.storm)).size} storms`);

    const loadStarted = Date.now();
    const sampler = startLimitSampler(stack);
    const stopFaults = new AbortController();
    const awaitRecovery = (timeoutMs: number, signal: AbortSignal) => awaitWorkerPolling(stack, timeoutMs, signal);
    const faultsDone = runFaultSchedule(plan, { injector, awaitRecovery, profile }, loadStarted, stopFaults.signal);
    const duplicates = await runLoad(organizations, createRandom(seed + 2), profile.durationMs);
    const loadMs = Date.now() - loadStarted;
    stopFaults.abort();
    const { injected: faults, calmWindows } = await faultsDone;
    const maxLiveSeen = await sampler.stop();
    log(`load done: ${records.length} requests, ${faults.length} faults:\n${formatTimeline(faults)}`);

    await injector.clear();
    log('faults cleared; waiting for quiescence');
    const quiescence = await waitForQuiescence(stack, profile.quiescenceTimeoutMs);
    const invariants = [
      await noOrphanedNumbers(stack),
      await noDoublePurchase(stack),
      await noOrganizationOverLimit(stack, profile.orgNumberLimit, maxLiveSeen),
      await noStuckWorkflow(stack, quiescence),
      documentedStatuses(records),
      idempotentDuplicatesAgree(duplicates),
      livenessOutsideFaultWindows(records, calmWindows, loadStarted, await provisionedNumberIds(stack, records)),
    ];
    if (invariants.some((each) => !each.pass)) {
      for (const file of await saveEvidence(invariants, stack.temporalAddress, stack.dir)) log(`history saved: ${file}`);
    }
    return {
      profile,
      seed,
      loadMs,
      totalMs: Date.now() - started,
      records,
      loadStartedAt: loadStarted,
      faults,
      calmWindows,
      invariants,
      workerStarts: stack.worker.starts,
      workerCrashes: stack.worker.unexpectedExits,
      dir: stack.dir,
    };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<number> {
  let options: ChaosOptions;
  try {
    options = parseChaosOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof UsageError && error.message ? `${error.message}\n\n${usage}` : usage);
    return error instanceof UsageError && !error.message ? 0 : 2;
  }
  const report = await run(options);
  console.log(formatReport(report));
  mkdirSync(dirname(options.jsonFile), { recursive: true });
  writeFileSync(options.jsonFile, JSON.stringify({ ...report, records: undefined, requests: report.records.length }, null, 2));
  const passed = report.invariants.every((each) => each.pass);
  if (passed && !options.keep) rmSync(report.dir, { recursive: true, force: true });
  return passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('chaos run failed:', error);
    process.exit(1);
  },
);
