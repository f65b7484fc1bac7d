import { renderMarkdown, type BenchMeta, type BenchReport } from './report.js';

/** The generated blocks of docs/performance.md: everything between a pair of markers is rewritten. */
export const docBlocks = {
  run: { begin: '<!-- bench:begin -->', end: '<!-- bench:end -->' },
  profile: { begin: '<!-- bench-profile:begin -->', end: '<!-- bench-profile:end -->' },
} as const;

export interface MachineLoad {
  /** The 1-minute load average before or after the run was above the number of CPUs. */
  loaded: boolean;
  before: number | null;
  after: number | null;
  cpus: number;
}

/** Whether the machine was busier than its CPUs while the run ran, by the 1-minute load average at either end. */
export function machineLoad(meta: BenchMeta): MachineLoad {
  const before = meta.loadAverageBefore[0] ?? null;
  const after = meta.loadAverageAfter[0] ?? null;
  return { loaded: [before, after].some((value) => value !== null && value > meta.cpus), before, after, cpus: meta.cpus };
}

const loads = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ');

/** One table of when, where and how loaded: the first thing a reader of any figure needs. */
export function renderRunMeta(report: BenchReport, source: string): string {
  const { meta } = report;
  const load = machineLoad(meta);
  const machine = load.loaded
    ? `**loaded**: 1-minute load ${loads([load.before ?? 0, load.after ?? 0])} (before / after) above ${meta.cpus} CPUs; figures are noisy`
    : `not loaded: 1-minute load at most ${meta.cpus} CPUs`;
  return [
    '| run | commit | mode | node | CPUs | load average before (1 / 5 / 15 min) | after | machine |',
    '|---|---|---|---|---|---|---|---|',
    `| ${meta.startedAt} (${meta.seconds} s) | ${meta.commit ?? '–'} | ${meta.quick ? 'quick' : 'full'}${meta.workerCpuProfile ? ', worker under --cpu-prof' : ''} | ${meta.node} | ${meta.cpus} | ${loads(meta.loadAverageBefore)} | ${loads(meta.loadAverageAfter)} | ${machine} |`,
    '',
    `Generated from \`${source}\` by \`npm run bench -- --write-doc\`; do not edit by hand.`,
  ].join('\n');
}

/** The run block: its meta, then the same tables the run printed. */
export function renderRunBlock(report: BenchReport, source: string): string {
  return `${renderRunMeta(report, source)}\n\n${renderMarkdown(report)}`;
}

/** The profile block: the run's meta and each worker thread's top frames by self time. */
export function renderProfileBlock(report: BenchReport, source: string): string | null {
  const profile = report.workerCpuProfile;
  if (!profile) return null;
  const lines = [renderRunMeta(report, source)];
  for (const thread of profile.threads) {
    lines.push('', `**${thread.file}** (${thread.scope}): ${thread.busyMs} ms busy of ${thread.totalMs} ms`, '');
    lines.push('| self ms | % of busy | frame |', '|---|---|---|');
    for (const frame of thread.top) lines.push(`| ${frame.selfMs} | ${frame.percent} | \`${frame.frame.replaceAll('|', '\\|')}\` |`);
  }
  return lines.join('\n');
}

/** `text` with what lies between `begin` and `end` replaced by `content`; throws when the markers are missing. */
export function replaceBlock(text: string, markers: { begin: string; end: string }, content: string): string {
  const start = text.indexOf(markers.begin);
  const stop = text.indexOf(markers.end);
  if (start < 0 || stop < start) throw new Error(`markers ${markers.begin} … ${markers.end} not found in order`);
  return `${text.slice(0, start + markers.begin.length)}\n${content}\n${text.slice(stop)}`;
}

/** Where `--write-doc` keeps the runs the doc's blocks come from (committed with it), relative to the project. */
export const docResults = { run: 'bench/results/doc.json', profile: 'bench/results/doc-profile.json' } as const;

/**
 * docs/performance.md with its run block rewritten from `run`, and its profile block from `profile` when
 * given (a run without a profile leaves the last one in place). `source` is the JSON file each came from.
 */
export function rewriteDoc(doc: string, run: { report: BenchReport; source: string }, profile?: { report: BenchReport; source: string }): string {
  const withRun = replaceBlock(doc, docBlocks.run, renderRunBlock(run.report, run.source));
  const profileBlock = profile ? renderProfileBlock(profile.report, profile.source) : null;
  return profileBlock === null ? withRun : replaceBlock(withRun, docBlocks.profile, profileBlock);
}
