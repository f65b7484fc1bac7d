import type { ProfileSummary } from './cpu-profile.js';
import type { CallDecisionRow, CallRunFigures } from './scenarios/call-decision.js';
import type { EngineCeiling } from './scenarios/engine-ceiling.js';
import type { MemoryFigures, ProvisioningRow } from './scenarios/provisioning.js';
import type { ReadRow } from './scenarios/read-path.js';
import type { BenchSettings } from './settings.js';
import type { RunStats } from './stats.js';

export interface Target {
  name: string;
  goal: string;
  value: number | null;
  met: boolean;
}

/** When and where a run ran: read it before comparing runs. */
export interface BenchMeta {
  startedAt: string;
  seconds: number;
  quick: boolean;
  settings: BenchSettings;
  commit: string | null;
  cpus: number;
  /** os.loadavg() (1, 5 and 15 minutes) just before the stack started and after the last scenario. */
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  tuning: Record<string, string>;
  node: string;
  /** The worker ran under `node --cpu-prof`: its CPU figures include the profiler's own cost. */
  workerCpuProfile?: boolean;
}

export interface BenchReport {
  meta: BenchMeta;
  provisioning: ProvisioningRow[];
  engineCeiling: EngineCeiling & { provisioning: RunStats | null; fraction: number | null };
  readPath: ReadRow[];
  memory: MemoryFigures;
  /** Incoming calls: absent in reports from before calls were measured. */
  callDecision?: CallDecisionRow[];
  targets: Target[];
  /** With `--cpu-prof`: the worker's threads, busiest first, with their top frames by self time. */
  workerCpuProfile?: { dir: string; threads: ProfileSummary[] };
}

const at = (rows: ProvisioningRow[], latencyMs: number, concurrency: number) =>
  rows.find((row) => row.latencyMs === latencyMs && row.concurrency === concurrency);

/** The issue's targets, judged on this run's own ratios. */
export function judgeTargets(report: Omit<BenchReport, 'targets'>): Target[] {
  const maxC = Math.max(...report.provisioning.map((row) => row.concurrency));
  const target = (name: string, goal: string, value: number | null | undefined, ok: (v: number) => boolean): Target => ({
    name,
    goal,
    value: value ?? null,
    met: value !== null && value !== undefined && ok(value),
  });
  const readRatios = report.readPath.map((row) => row.throughputRatio ?? 0);
  return [
    target('provisioning p50 / direct, 50 ms carrier, c=1', '≤ 1.3', at(report.provisioning, 50, 1)?.p50Ratio, (v) => v <= 1.3),
    target('provisioning p50 / direct, 0 ms carrier, c=1', '≤ 4 (aim)', at(report.provisioning, 0, 1)?.p50Ratio, (v) => v <= 4),
    target(`provisioning throughput / engine ceiling, 0 ms, c=${maxC}`, '≥ 0.70', report.engineCeiling.fraction, (v) => v >= 0.7),
    target('read throughput / bare express (worst endpoint)', '≥ 0.50', readRatios.length ? Math.min(...readRatios) : null, (v) => v >= 0.5),
    target('API peak RSS during the throughput run (MB)', '≤ 150', report.memory.throughputPeakMb.api, (v) => v <= 150),
    target('worker peak RSS during the throughput run (MB)', '≤ 300', report.memory.throughputPeakMb.worker, (v) => v <= 300),
    target('worker CPU ms per provisioning, 0 ms carrier, c=1', '≤ 40', at(report.provisioning, 0, 1)?.cpuMsPerProvisioning?.service.worker, (v) => v <= 40),
    // Judged on the bursts (20 calls rung at once): the closed loop at c=20 is a saturation test, no target.
    ...(['auto_accept', 'auto_reject'] as const).flatMap((action) => {
      const burst = report.callDecision?.find((each) => each.action === action && each.concurrency === 20)?.burst;
      return [
        target(`call decision p50 ms, ${action}, burst of 20 calls`, '≤ 250', burst?.service.p50Ms, (v) => v <= 250),
        target(`call decision p99 ms, ${action}, burst of 20 calls`, '≤ 1000', burst?.service.p99Ms, (v) => v <= 1000),
      ];
    }),
  ];
}

const fmt = (value: number | null | undefined) => (value === null || value === undefined ? '–' : String(value));

/** The read-path table: each endpoint against the bare Express app answering the same bodies. */
export function renderReadPath(rows: ReadRow[]): string[] {
  const lines = [`### Read path (autocannon, ${rows[0]?.connections ?? '?'} connections)`, ''];
  lines.push('| endpoint | service req/s | service p50 / p99 ms | bare express req/s | bare p50 / p99 ms | throughput ratio | p99 ratio |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const row of rows) {
    lines.push(
      `| ${row.endpoint} | ${row.service.perSecond} | ${row.service.p50Ms} / ${row.service.p99Ms} | ${row.bare.perSecond} | ${row.bare.p50Ms} / ${row.bare.p99Ms} | ${fmt(row.throughputRatio)} | ${fmt(row.p99Ratio)}× |`,
    );
  }
  return lines;
}

/** A call-decision measurement's cells: latencies, ratios, counts, errors and CPU per call. */
function callFigureCells(row: CallRunFigures): string {
  const s = row.cpuMsPerCall.service;
  const d = row.cpuMsPerCall.direct;
  return `${row.direct.p50Ms} / ${row.direct.p99Ms} | ${row.service.p50Ms} / ${row.service.p99Ms} | ${fmt(row.p50Ratio)}× | ${fmt(row.p99Ratio)}× | ${row.direct.count} / ${row.service.count} | ${row.direct.errors + row.service.errors} | ${fmt(s.worker)} / ${fmt(s.api)} / ${fmt(s.temporal)} / ${fmt(s.sandbox)} | ${fmt(d.handler)} / ${fmt(d.sandbox)} |`;
}

const callFigureHeader = 'direct p50 / p99 | service p50 / p99 | p50 ratio | p99 ratio | calls (direct / service) | errors | service CPU ms per call: worker / api / temporal / sandbox | direct CPU ms per call: handler / sandbox |';
const closedLoopName = (concurrency: number) => (concurrency > 1 ? 'back-to-back saturation' : 'one call at a time');

/** The call-decision tables: the bursts (judged against the goal), then the closed loops, service beside direct. */
export function renderCallDecision(rows: CallDecisionRow[]): string[] {
  const lines = ['### Call decision: signed call.initiated sent → answer or reject command received, sandbox clock (ms)', ''];
  const bursts = rows.filter((row) => row.burst);
  if (bursts.length > 0) {
    lines.push(
      'Burst: that many calls rung at the same instant, each hung up once decided, the stack left to settle before the next round (direct and service rounds taking turns); the goal for 20 calls in progress is judged on these.',
      '',
      `| action | calls at once × rounds | ${callFigureHeader}`,
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const row of bursts) lines.push(`| ${row.action} | ${row.concurrency} × ${row.burst!.rounds} | ${callFigureCells(row.burst!)}`);
    lines.push('');
  }
  lines.push(
    'Closed loop: c calls always in flight, the next rung as soon as one is decided. c=1 is one call at a time; above it is back-to-back saturation, whose latency is about c / calls per second: a capacity figure, with no target.',
    '',
    `| action | c | ${callFigureHeader} calls/s (direct / service) | closed loop |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const row of rows) {
    lines.push(`| ${row.action} | ${row.concurrency} | ${callFigureCells(row)} ${row.direct.perSecond} / ${row.service.perSecond} | ${closedLoopName(row.concurrency)} |`);
  }
  const phased = rows.flatMap((row) => [
    ...(row.burst?.servicePhasesMs ? [{ action: row.action, load: `burst of ${row.concurrency}`, phases: row.burst.servicePhasesMs }] : []),
    ...(row.servicePhasesMs ? [{ action: row.action, load: `c=${row.concurrency}, ${closedLoopName(row.concurrency)}`, phases: row.servicePhasesMs }] : []),
  ]);
  if (phased.length > 0) {
    lines.push('', 'Service calls by phase, p50 / p90 ms (a sample of each run\'s histories): `start` = call.initiated sent → workflow started, `pickup` → its first workflow task started, `worker` → the command received.', '');
    lines.push('| action | load | start | pickup | worker |', '|---|---|---|---|---|');
    for (const { action, load, phases } of phased) {
      lines.push(`| ${action} | ${load} | ${phases.start.p50} / ${phases.start.p90} | ${phases.pickup.p50} / ${phases.pickup.p90} | ${phases.worker.p50} / ${phases.worker.p90} |`);
    }
  }
  return lines;
}

/**
 * Where the service's provisioning time went at c=1, one column per carrier latency: each phase's mean and
 * p50 ms per provisioning over a sample of histories, and how often it occurred in one; nothing without phases.
 */
export function renderProvisioningPhases(rows: ProvisioningRow[]): string[] {
  const phased = rows.filter((row) => row.servicePhases);
  if (phased.length === 0) return [];
  const lines = ['', '### Provisioning at c=1: where the service\'s time goes (POST /numbers → 201 split by a sample of its workflow histories; mean / p50 ms per provisioning, × times per provisioning)', ''];
  lines.push(`| phase | ${phased.map((row) => `${row.latencyMs} ms carrier`).join(' | ')} |`, `|---|${phased.map(() => '---|').join('')}`);
  const names = [...new Set(phased.flatMap((row) => row.servicePhases!.phases.map((each) => each.phase)))];
  for (const name of names) {
    const cells = phased.map((row) => {
      const phase = row.servicePhases!.phases.find((each) => each.phase === name);
      return phase ? `${phase.meanMs} / ${phase.p50Ms} (×${phase.perProvisioning})` : '–';
    });
    lines.push(`| ${name.startsWith('  ') ? `↳ ${name.trim()}` : name} | ${cells.join(' | ')} |`);
  }
  lines.push(`| **service, request → 201** (sampled mean; the run's p50) | ${phased.map((row) => `**${row.servicePhases!.meanMs}** (${row.servicePhases!.sampled} sampled); ${row.service.p50Ms}`).join(' | ')} |`);
  lines.push(`| direct chain (the run's mean; p50) | ${phased.map((row) => `${row.direct.meanMs}; ${row.direct.p50Ms}`).join(' | ')} |`);
  return lines;
}

export function renderMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  lines.push('### Provisioning: POST /numbers → 201 (service) vs the same activities called directly (direct)', '');
  lines.push('| carrier | c | direct p50 / p95 / p99 ms | direct /s | service p50 / p95 / p99 ms | service /s | p50 ratio | throughput ratio | errors |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const row of report.provisioning) {
    const d = row.direct;
    const s = row.service;
    lines.push(
      `| ${row.latencyMs} ms | ${row.concurrency} | ${d.p50Ms} / ${d.p95Ms} / ${d.p99Ms} | ${d.perSecond} | ${s.p50Ms} / ${s.p95Ms} / ${s.p99Ms} | ${s.perSecond} | ${fmt(row.p50Ratio)}× | ${fmt(row.throughputRatio)} | ${d.errors + s.errors} |`,
    );
  }
  lines.push('', '### CPU per provisioning (ms, utime + stime from /proc over the measured run / provisionings)', '');
  lines.push('| carrier | c | worker | api | temporal | sandbox | service total | direct: bench process | direct: sandbox |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const row of report.provisioning) {
    const service = row.cpuMsPerProvisioning?.service;
    const direct = row.cpuMsPerProvisioning?.direct;
    const total = service ? Object.values(service).reduce<number>((sum, value) => sum + (value ?? 0), 0) : null;
    lines.push(
      `| ${row.latencyMs} ms | ${row.concurrency} | ${fmt(service?.worker)} | ${fmt(service?.api)} | ${fmt(service?.temporal)} | ${fmt(service?.sandbox)} | ${fmt(total === null ? null : Math.round(total * 10) / 10)} | ${fmt(direct?.bench)} | ${fmt(direct?.sandbox)} |`,
    );
  }
  lines.push(...renderProvisioningPhases(report.provisioning));
  const ceiling = report.engineCeiling;
  lines.push('', `### Engine ceiling: ${ceiling.activities} no-op activities per workflow (${ceiling.shape}: R through the server, L local, as provisioning runs them), c=${ceiling.concurrency}`, '');
  lines.push('| workflow | p50 ms | p99 ms | per second |', '|---|---|---|---|');
  lines.push(`| no-op chain | ${ceiling.noop.p50Ms} | ${ceiling.noop.p99Ms} | ${ceiling.noop.perSecond} |`);
  if (ceiling.provisioning) {
    lines.push(`| provisioning (0 ms carrier) | ${ceiling.provisioning.p50Ms} | ${ceiling.provisioning.p99Ms} | ${ceiling.provisioning.perSecond} |`);
  }
  lines.push('', `Provisioning throughput / ceiling: **${fmt(ceiling.fraction)}**`);
  lines.push('', ...renderReadPath(report.readPath));
  if (report.callDecision) lines.push('', ...renderCallDecision(report.callDecision));
  const memory = report.memory;
  lines.push('', '### Memory (RSS, MB)', '', '| process | peak during throughput run | peak over all provisioning runs | lifetime VmHWM |', '|---|---|---|---|');
  for (const name of ['api', 'worker']) {
    lines.push(`| ${name} | ${fmt(memory.throughputPeakMb[name])} | ${fmt(memory.peakMb[name])} | ${fmt(memory.lifetimeHwmMb[name])} |`);
  }
  lines.push('', '### Targets', '', '| target | goal | this run | met |', '|---|---|---|---|');
  for (const each of report.targets) lines.push(`| ${each.name} | ${each.goal} | ${fmt(each.value)} | ${each.met ? 'yes' : 'no'} |`);
  return lines.join('\n');
}

/** Key figures of an earlier report beside this one's. */
export function renderComparison(before: BenchReport, after: BenchReport): string {
  const lines = ['### Before / after', '', '| figure | before | after |', '|---|---|---|'];
  for (const row of after.provisioning) {
    const old = at(before.provisioning, row.latencyMs, row.concurrency);
    const key = `${row.latencyMs} ms c=${row.concurrency}`;
    lines.push(`| provisioning p50 ms (ratio), ${key} | ${fmt(old?.service.p50Ms)} (${fmt(old?.p50Ratio)}×) | ${row.service.p50Ms} (${fmt(row.p50Ratio)}×) |`);
    lines.push(`| provisioning /s (vs direct), ${key} | ${fmt(old?.service.perSecond)} (${fmt(old?.throughputRatio)}) | ${row.service.perSecond} (${fmt(row.throughputRatio)}) |`);
    lines.push(`| worker CPU ms per provisioning, ${key} | ${fmt(old?.cpuMsPerProvisioning?.service.worker)} | ${fmt(row.cpuMsPerProvisioning?.service.worker)} |`);
  }
  lines.push(`| engine ceiling /s | ${fmt(before.engineCeiling.noop.perSecond)} | ${fmt(after.engineCeiling.noop.perSecond)} |`);
  lines.push(`| throughput / ceiling | ${fmt(before.engineCeiling.fraction)} | ${fmt(after.engineCeiling.fraction)} |`);
  for (const row of after.readPath) {
    const old = before.readPath.find((each) => each.endpoint === row.endpoint);
    lines.push(`| ${row.endpoint} req/s (vs bare) | ${fmt(old?.service.perSecond)} (${fmt(old?.throughputRatio)}) | ${row.service.perSecond} (${fmt(row.throughputRatio)}) |`);
    lines.push(`| ${row.endpoint} p99 ms | ${fmt(old?.service.p99Ms)} | ${row.service.p99Ms} |`);
  }
  for (const name of ['api', 'worker']) {
    lines.push(`| ${name} peak RSS MB | ${fmt(before.memory.throughputPeakMb[name])} | ${fmt(after.memory.throughputPeakMb[name])} |`);
  }
  return lines.join('\n');
}

