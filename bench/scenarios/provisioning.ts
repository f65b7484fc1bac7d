import { Client, Connection } from '@temporalio/client';
import { createTelnyxCarrier } from '../../carrier/telnyx-carrier.js';
import { createDatabase } from '../../db/connect.js';
import { cpuWindow } from '../cpu.js';
import { monotonicUs, type TimeWindow } from '../cpu-profile.js';
import { spreadSample } from '../history-times.js';
import { runClosedLoop } from '../load.js';
import { memoryOf, sampleRss } from '../processes.js';
import { provisioningPhases, type ProvisioningPhases, type TimedProvisioning } from '../provisioning-phases.js';
import { seedSlots, type Slot } from '../seed.js';
import type { BenchSettings } from '../settings.js';
import type { BenchStack } from '../stack.js';
import { ratio, type RunStats } from '../stats.js';
import { createDirectProvisioner } from './direct-provision.js';

export interface ProvisioningRow {
  latencyMs: number;
  concurrency: number;
  direct: RunStats;
  service: RunStats & { firstError?: string };
  /** service p50 / direct p50 (the target: at most 1.3 at 50 ms). */
  p50Ratio: number | null;
  /** service throughput / direct throughput. */
  throughputRatio: number | null;
  /** CPU ms per provisioning over the measured window, from /proc/<pid>/stat (utime + stime); absent in reports from before it was measured. */
  cpuMsPerProvisioning?: {
    /** During the service run: each process of the stack. */
    service: Record<'worker' | 'api' | 'temporal' | 'sandbox', number | null>;
    /** During the direct run: this process (the activity functions and the load loop) and the sandbox. */
    direct: Record<'bench' | 'sandbox', number | null>;
  };
  /** At c=1 (absent in reports from before it was measured): where a sample of the service's provisionings spent their time, from their histories. */
  servicePhases?: ProvisioningPhases;
}

export interface MemoryFigures {
  /** Peak RSS (MB) sampled every 200 ms during the highest-concurrency service runs. */
  throughputPeakMb: Record<string, number>;
  /** Peak RSS (MB) over every service run. */
  peakMb: Record<string, number>;
  /** VmHWM at the end: the lifetime high-water mark, including start-up (the worker bundles its workflows then). */
  lifetimeHwmMb: Record<string, number>;
}

/** How many of a c=1 service run's provisionings have their histories split into phases. */
const phaseSample = 40;
const nowMs = () => performance.timeOrigin + performance.now();

/** POST /numbers → 201, as a client sees it; resolves the number's id and when the request was sent and its answer read (epoch ms). */
async function provisionThroughApi(apiUrl: string, slot: Slot): Promise<{ id: string; sentAtMs: number; receivedAtMs: number }> {
  const sentAtMs = nowMs();
  const response = await fetch(`${apiUrl}/numbers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': slot.apiKey },
    body: JSON.stringify({ agent_handle: slot.agentHandle, type: 'local', state: slot.state }),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /numbers answered ${response.status}: ${text.slice(0, 200)}`);
  return { id: (JSON.parse(text) as { id: string }).id, sentAtMs, receivedAtMs: nowMs() };
}

/** `servicePhases` of a spread sample of a run's provisionings, their workflow ids read from their rows. */
async function phasesOf(stack: BenchStack, client: Client, timed: { id: string; sentAtMs: number; receivedAtMs: number }[]): Promise<ProvisioningPhases | undefined> {
  const sample = spreadSample(timed, phaseSample);
  if (sample.length === 0) return undefined;
  const rows = await stack.db.selectFrom('phone_numbers').select(['id', 'workflow_id']).where('id', 'in', sample.map((each) => each.id)).execute();
  const workflowOf = new Map(rows.map((row) => [row.id, row.workflow_id]));
  const withWorkflow: TimedProvisioning[] = sample.flatMap((each) => {
    const workflowId = workflowOf.get(each.id);
    return workflowId ? [{ workflowId, sentAtMs: each.sentAtMs, receivedAtMs: each.receivedAtMs }] : [];
  });
  return provisioningPhases(client, withWorkflow);
}

/**
 * For each carrier latency and concurrency: a fresh sandbox, then the direct baseline and the service
 * (API → Temporal → worker) over the same number of seeded slots, one after the other.
 */
export async function runProvisioning(stack: BenchStack, settings: BenchSettings, log: (line: string) => void) {
  const carrier = createTelnyxCarrier({ apiKey: 'bench', baseURL: `${stack.sandboxUrl}/v2` });
  // The baseline gets a pool of the worker's size (the pg default the worker's createDatabase uses).
  const directDb = createDatabase({ databaseUrl: stack.databaseUrl, dataDir: stack.logDir, poolSize: Number(stack.childEnv.DATABASE_POOL_SIZE ?? 10) });
  const direct = createDirectProvisioner({ db: directDb, carrier, orgNumberLimit: 1_000_000, connectionId: 'sandbox-connection' });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const rows: ProvisioningRow[] = [];
  const measured = [{ name: 'api', pid: stack.api.pid }, { name: 'worker', pid: stack.worker.pid }];
  const overall = sampleRss(measured);
  const throughputPeakMb: Record<string, number> = {};
  const maxConcurrency = Math.max(...settings.concurrencies);
  /** When the service runs were measured, for reading the worker's CPU profile over them only. */
  const serviceWindows: TimeWindow[] = [];
  let run = 0;
  try {
    for (const latencyMs of settings.latenciesMs) {
      for (const concurrency of settings.concurrencies) {
        run += 1;
        await stack.restartSandbox(run * 100_000, latencyMs);
        const seconds = concurrency === 1 ? settings.runSeconds * 1.5 : settings.runSeconds;
        const max = settings.maxRequestsPerRun;
        const warmup = Math.max(2, concurrency);
        const directSlots = await seedSlots(stack.db, max + warmup, concurrency, `direct-${run}`);
        const serviceSlots = await seedSlots(stack.db, max + warmup, concurrency, `service-${run}`);
        for (let i = 0; i < warmup; i += 1) {
          await Promise.all([direct(directSlots[max + i]!), provisionThroughApi(stack.apiUrl, serviceSlots[max + i]!)]);
        }

        const directCpu = cpuWindow([{ name: 'bench', pid: process.pid }, { name: 'sandbox', pid: stack.sandboxPid() }]);
        const directStats = await runClosedLoop({
          concurrency,
          durationMs: seconds * 1000,
          maxRequests: max,
          request: (_worker, n) => direct(directSlots[n]!),
        });
        const directCpuMs = directCpu.perOperation(directStats.count);
        const sampler = concurrency === maxConcurrency ? sampleRss(measured) : undefined;
        const serviceCpu = cpuWindow([...measured, { name: 'temporal', pid: stack.temporalPid }, { name: 'sandbox', pid: stack.sandboxPid() }]);
        const startUs = monotonicUs();
        const timed: Awaited<ReturnType<typeof provisionThroughApi>>[] = [];
        const serviceStats = await runClosedLoop({
          concurrency,
          durationMs: seconds * 1000,
          maxRequests: max,
          request: async (_worker, n) => {
            timed.push(await provisionThroughApi(stack.apiUrl, serviceSlots[n]!));
          },
        });
        const serviceCpuMs = serviceCpu.perOperation(serviceStats.count);
        serviceWindows.push({ startUs, endUs: monotonicUs() });
        if (sampler) {
          for (const [name, mb] of Object.entries(sampler.stop())) throughputPeakMb[name] = Math.max(throughputPeakMb[name] ?? 0, mb);
        }
        const row: ProvisioningRow = {
          latencyMs,
          concurrency,
          direct: directStats,
          service: serviceStats,
          p50Ratio: ratio(serviceStats.p50Ms, directStats.p50Ms),
          throughputRatio: ratio(serviceStats.perSecond, directStats.perSecond),
          cpuMsPerProvisioning: {
            service: { worker: serviceCpuMs.worker ?? null, api: serviceCpuMs.api ?? null, temporal: serviceCpuMs.temporal ?? null, sandbox: serviceCpuMs.sandbox ?? null },
            direct: { bench: directCpuMs.bench ?? null, sandbox: directCpuMs.sandbox ?? null },
          },
          ...(concurrency === 1 ? { servicePhases: await phasesOf(stack, client, timed) } : {}),
        };
        rows.push(row);
        if (row.servicePhases) {
          const phases = row.servicePhases.phases.filter((each) => !each.phase.startsWith('  ')).map((each) => `${each.phase.split(' (')[0]} ${each.meanMs}`);
          log(`provisioning ${latencyMs} ms c=1: mean ms per provisioning over ${row.servicePhases.sampled} histories: ${phases.join(', ')}`);
        }
        log(
          `provisioning ${latencyMs} ms c=${concurrency}: direct p50 ${directStats.p50Ms} ms ${directStats.perSecond}/s, ` +
            `service p50 ${serviceStats.p50Ms} ms ${serviceStats.perSecond}/s (errors ${serviceStats.errors}${serviceStats.firstError ? `: ${serviceStats.firstError}` : ''}), ` +
            `worker CPU ${serviceCpuMs.worker ?? '?'} ms per provisioning`,
        );
      }
    }
  } finally {
    await Promise.all([directDb.destroy(), connection.close()]);
  }
  const peakMb = overall.stop();
  const lifetimeHwmMb: Record<string, number> = {};
  for (const { name, pid } of measured) {
    lifetimeHwmMb[name] = memoryOf(pid)?.hwmMb ?? 0;
  }
  const memory: MemoryFigures = { throughputPeakMb, peakMb, lifetimeHwmMb };
  return { rows, memory, serviceWindows };
}
