import type { RequestRecord } from './api-client.js';
import type { CalmWindow } from './fault-schedule.js';
import { faultKinds, type InjectedFault } from './faults.js';
import type { InvariantResult } from './invariants.js';
import type { Profile } from './profiles.js';
import type { UnexpectedExit } from './worker-process.js';

export interface ChaosReport {
  profile: Profile;
  seed: number;
  loadMs: number;
  totalMs: number;
  records: RequestRecord[];
  /** Epoch ms the load started; the timeline counts from here. */
  loadStartedAt: number;
  faults: InjectedFault[];
  /** Where no fault window was open: the liveness floor's sample. */
  calmWindows: CalmWindow[];
  invariants: InvariantResult[];
  workerStarts: number;
  workerCrashes: UnexpectedExit[];
  dir: string;
}

const countBy = <T>(items: T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b));
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The printed report; `FAULT <kind> <n>` and `PASS|FAIL <invariant>` lines are what tests read. */
export function formatReport(report: ChaosReport): string {
  const lines: string[] = [];
  const passed = report.invariants.every((each) => each.pass);
  lines.push(`chaos report: profile ${report.profile.name}, seed ${report.seed}`);
  lines.push(`duration: load ${seconds(report.loadMs)}, total ${seconds(report.totalMs)}`);
  lines.push(`stack: ${report.profile.organizations} organizations x ${report.profile.identitiesPerOrganization} identities, limit ${report.profile.orgNumberLimit}, order deadline ${report.profile.orderDeadlineMs} ms`);
  lines.push('');
  lines.push(`requests: ${report.records.length}`);
  for (const [endpoint, count] of countBy(report.records, (record) => record.endpoint)) lines.push(`  ${endpoint.padEnd(26)} ${count}`);
  lines.push('outcomes by status:');
  for (const [status, count] of countBy(report.records, (record) => (record.status === null ? `no answer (${record.networkError})` : `${record.status} ${record.error ?? ''}`.trim()))) {
    lines.push(`  ${status.padEnd(40)} ${count}`);
  }
  lines.push('timeline (10 s windows: 2xx / 4xx / 5xx / no answer, and faults):');
  for (const line of formatWindows(report)) lines.push(`  ${line}`);
  lines.push(`calm windows (no fault open; the liveness sample): ${report.calmWindows.length}`);
  for (const calm of report.calmWindows) {
    const recovery = calm.recoveryMs === null ? 'worker not polling within the bound' : `worker polling ${seconds(calm.recoveryMs)} after the storm`;
    lines.push(`  ${seconds(calm.fromMs)} - ${seconds(calm.toMs)} (${recovery})`);
  }
  lines.push('');
  lines.push(`faults injected: ${report.faults.length}`);
  const injected = new Map(countBy(report.faults.filter((fault) => !fault.error), (fault) => fault.kind));
  for (const kind of faultKinds) lines.push(`  FAULT ${kind.padEnd(28)} ${injected.get(kind) ?? 0}`);
  for (const failed of report.faults.filter((fault) => fault.error)) lines.push(`  (could not inject ${failed.kind} at ${seconds(failed.atMs)}: ${failed.error})`);
  lines.push(`worker: started ${report.workerStarts} times, ${report.workerCrashes.length} exits not caused by the chaos`);
  for (const crash of report.workerCrashes.slice(0, 3)) lines.push(`  exit at ${crash.at} code ${crash.code} signal ${crash.signal}\n    ${crash.logTail.split('\n').join('\n    ')}`);
  lines.push('');
  lines.push('invariants:');
  for (const invariant of report.invariants) {
    lines.push(`  ${invariant.pass ? 'PASS' : 'FAIL'} ${invariant.name.padEnd(30)} ${invariant.figures}`);
    for (const detail of invariant.details) lines.push(`       - ${detail}`);
  }
  lines.push('');
  lines.push(passed ? 'RESULT: PASS' : `RESULT: FAIL (logs and Temporal SQLite kept in ${report.dir})`);
  return lines.join('\n');
}

/** The fault timeline, for reproducing a run by seed. */
export function formatTimeline(faults: InjectedFault[]): string {
  return faults.map((fault) => `  ${seconds(fault.atMs).padStart(8)}  ${fault.kind.padEnd(28)} ${fault.error ? `FAILED: ${fault.error}` : fault.detail}`).join('\n');
}

function formatWindows(report: ChaosReport): string[] {
  const windows = new Map<number, number[]>();
  for (const record of report.records) {
    const window = Math.floor((record.at - report.loadStartedAt) / 10_000);
    const counts = windows.get(window) ?? [0, 0, 0, 0];
    counts[record.status === null ? 3 : record.status >= 500 ? 2 : record.status >= 400 ? 1 : 0]! += 1;
    windows.set(window, counts);
  }
  return [...windows.keys()].sort((a, b) => a - b).map((window) => {
    const faults: string[] = report.faults.filter((fault) => Math.floor(fault.atMs / 10_000) === window).map((fault) => fault.kind);
    if (report.calmWindows.some((calm) => calm.fromMs < (window + 1) * 10_000 && calm.toMs > window * 10_000)) faults.push('(calm)');
    return `${String(window * 10).padStart(4)}-${window * 10 + 10} s  ${windows.get(window)!.join(' / ').padEnd(20)} ${faults.join(', ')}`;
  });
}
