import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { monotonicUs, summarizeProfiles, type TimeWindow } from './cpu-profile.js';
import { docResults, rewriteDoc } from './doc.js';
import { renderCallDecision, renderComparison, renderMarkdown, renderReadPath, judgeTargets, type BenchMeta, type BenchReport } from './report.js';
import { runCallDecision } from './scenarios/call-decision.js';
import { runEngineCeiling } from './scenarios/engine-ceiling.js';
import { runProvisioning } from './scenarios/provisioning.js';
import { runReadPath } from './scenarios/read-path.js';
import { benchSettings } from './settings.js';
import { startBenchStack } from './stack.js';
import { ratio } from './stats.js';

/**
 * `npm run bench [-- --quick] [--out FILE] [--compare FILE] [--log-level LEVEL] [--cpu-prof] [--write-doc]`,
 * or `npm run bench -- --doc-from FILE` to rewrite docs/performance.md's generated blocks from a saved run
 * (`--doc FILE` and `--doc-results DIR` put the page and the JSON it is made from elsewhere).
 * `--only calls` runs the call-decision scenario alone (its full-size runs unless `--quick`) and writes
 * `{ meta, callDecision }` to `--out` (default `bench/results/calls-latest.json`); `--only reads` runs the
 * read path alone and writes `{ meta, readPath }` (default `bench/results/reads-latest.json`).
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    compare: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    'cpu-prof': { type: 'boolean', default: false },
    'write-doc': { type: 'boolean', default: false },
    'doc-from': { type: 'string' },
    doc: { type: 'string', default: 'docs/performance.md' },
    'doc-results': { type: 'string', default: dirname(docResults.run) },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => console.error(`bench: ${line}`);

/**
 * Keeps the report as the doc's run JSON (and as its profile JSON when it has a profile) under
 * `--doc-results`, then rewrites both of the doc's generated blocks from those files.
 */
function writeDoc(report: BenchReport): void {
  const results = resolve(values['doc-results']);
  mkdirSync(results, { recursive: true });
  const keep = (name: string) => {
    const path = join(results, name);
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    return { report, source: relative(root, path) };
  };
  const run = keep(basename(docResults.run));
  const profilePath = join(results, basename(docResults.profile));
  // A run without a profile leaves the last profiled run's block, rendered again from its own JSON.
  const profile = report.workerCpuProfile
    ? keep(basename(docResults.profile))
    : existsSync(profilePath)
      ? { report: JSON.parse(readFileSync(profilePath, 'utf8')) as BenchReport, source: relative(root, profilePath) }
      : undefined;
  const doc = resolve(values.doc);
  writeFileSync(doc, rewriteDoc(readFileSync(doc, 'utf8'), run, profile));
  log(`rewrote the generated blocks of ${values.doc} from ${run.source}${profile ? ` and ${profile.source}` : ''}`);
}

const onlyScenarios = ['calls', 'reads'] as const;
type OnlyScenario = (typeof onlyScenarios)[number];
if (values.only !== undefined && !(onlyScenarios as readonly string[]).includes(values.only)) {
  console.error(`bench: --only takes ${onlyScenarios.map((name) => `"${name}"`).join(' or ')}, not "${values.only}"`);
  process.exit(2);
}
const only = values.only as OnlyScenario | undefined;
const out = resolve(values.out ?? (only ? `bench/results/${only}-latest.json` : 'bench/results/latest.json'));

if (values['doc-from']) {
  writeDoc(JSON.parse(readFileSync(values['doc-from'], 'utf8')) as BenchReport);
  process.exit(0);
}

const settings = benchSettings(values.quick, values['log-level']);
const tuningKeys = ['WORKER_MAX_CONCURRENT_ACTIVITIES', 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 'WORKER_MAX_CACHED_WORKFLOWS', 'DATABASE_POOL_SIZE', 'API_KEY_CACHE_TTL_MS'];
const rounded = (loads: number[]) => loads.map((value) => Math.round(value * 100) / 100);
const profileDir = values['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'bench-worker-cpu-prof-')) : undefined;

const startedAt = new Date();
const loadBefore = loadavg();
const meta = (): BenchMeta => ({
  startedAt: startedAt.toISOString(),
  seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  quick: settings.quick,
  settings,
  commit: (() => {
    try {
      return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  })(),
  cpus: cpus().length,
  loadAverageBefore: rounded(loadBefore),
  loadAverageAfter: rounded(loadavg()),
  tuning: Object.fromEntries(tuningKeys.map((key) => [key, process.env[key] ?? 'default'])),
  node: process.version,
  ...(profileDir ? { workerCpuProfile: true } : {}),
});
log(`starting the stack (${settings.quick ? 'quick' : 'full'} run${profileDir ? `, worker under --cpu-prof into ${profileDir}` : ''})`);
const stack = await startBenchStack({ logLevel: settings.logLevel, workerCpuProfDir: profileDir });
let serviceWindows: TimeWindow[] = [];
if (only) {
  let code = 0;
  try {
    log(`logs in ${stack.logDir}`);
    const window = { startUs: monotonicUs(), endUs: 0 };
    const scenario = async () => {
      if (only === 'calls') {
        const callDecision = await runCallDecision(stack, settings, log);
        return { rows: { callDecision }, table: renderCallDecision(callDecision) };
      }
      const readPath = await runReadPath(stack, settings);
      return { rows: { readPath }, table: renderReadPath(readPath) };
    };
    const { rows, table } = await scenario();
    window.endUs = monotonicUs();
    const result = { meta: meta(), ...rows };
    serviceWindows = [window];
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(table.join('\n'));
    const { loadAverageBefore, loadAverageAfter } = result.meta;
    console.log(`\nload average before/after: ${loadAverageBefore.join(' ')} / ${loadAverageAfter.join(' ')} on ${result.meta.cpus} cores; JSON in ${relative(root, out)}`);
  } catch (error) {
    code = 1;
    console.error('bench failed:', error);
  } finally {
    await stack.stop();
  }
  if (profileDir && code === 0) {
    // The whole scenario, direct runs included (the worker idles through those).
    for (const thread of summarizeProfiles(profileDir, { projectRoot: root, windows: serviceWindows, top: 25 })) {
      console.log(`\n### Worker CPU profile: ${thread.file}, ${thread.scope} (${thread.busyMs} ms busy of ${thread.totalMs} ms)\n\n| self ms | % of busy | frame |\n|---|---|---|`);
      for (const frame of thread.top) console.log(`| ${frame.selfMs} | ${frame.percent} | ${frame.frame} |`);
    }
  }
  process.exit(code);
}
let report: BenchReport | undefined;
let exitCode = 0;
try {
  log(`logs in ${stack.logDir}`);
  const provisioning = await runProvisioning(stack, settings, log);
  serviceWindows = provisioning.serviceWindows;
  const maxC = Math.max(...settings.concurrencies);
  log(`engine ceiling at c=${maxC}`);
  const ceiling = await runEngineCeiling(stack, settings, maxC);
  const reference = provisioning.rows.find((row) => row.latencyMs === 0 && row.concurrency === maxC)?.service ?? null;
  log('read path');
  const readPath = await runReadPath(stack, settings);
  log('call decision');
  const callDecision = await runCallDecision(stack, settings, log);

  const partial: Omit<BenchReport, 'targets'> = {
    meta: meta(),
    provisioning: provisioning.rows,
    engineCeiling: { ...ceiling, provisioning: reference, fraction: reference ? ratio(reference.perSecond, ceiling.noop.perSecond) : null },
    readPath,
    memory: provisioning.memory,
    callDecision,
  };
  report = { ...partial, targets: judgeTargets(partial) };
} catch (error) {
  exitCode = 1;
  console.error('bench failed:', error);
} finally {
  // The worker writes its CPU profile as it exits.
  await stack.stop();
}

if (report) {
  if (profileDir) report.workerCpuProfile = { dir: profileDir, threads: summarizeProfiles(profileDir, { projectRoot: root, windows: serviceWindows }) };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(renderMarkdown(report));
  if (report.workerCpuProfile) {
    for (const thread of report.workerCpuProfile.threads) {
      console.log(`\n### Worker CPU profile: ${thread.file}, ${thread.scope} (${thread.busyMs} ms busy of ${thread.totalMs} ms)\n\n| self ms | % of busy | frame |\n|---|---|---|`);
      for (const frame of thread.top) console.log(`| ${frame.selfMs} | ${frame.percent} | ${frame.frame} |`);
    }
    if (report.workerCpuProfile.threads.length === 0) console.log(`\nno .cpuprofile in ${profileDir}: did the worker exit cleanly?`);
  }
  if (values.compare && existsSync(values.compare)) {
    console.log(`\n${renderComparison(JSON.parse(readFileSync(values.compare, 'utf8')) as BenchReport, report)}`);
  }
  const { loadAverageBefore, loadAverageAfter } = report.meta;
  console.log(`\nload average before/after: ${loadAverageBefore.join(' ')} / ${loadAverageAfter.join(' ')} on ${report.meta.cpus} cores; JSON in ${relative(root, out)}`);
  if (values['write-doc']) writeDoc(report);
}
process.exit(exitCode);
