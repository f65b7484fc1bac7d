import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderComparison, renderMarkdown, judgeTargets, type BenchReport } from './report.js';
import { runEngineCeiling } from './scenarios/engine-ceiling.js';
import { runProvisioning } from './scenarios/provisioning.js';
import { runReadPath } from './scenarios/read-path.js';
import { benchSettings } from './settings.js';
import { startBenchStack } from './stack.js';
import { ratio } from './stats.js';

/** `npm run bench [-- --quick] [--out FILE] [--compare FILE] [--log-level LEVEL]`. */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/latest.json' },
    compare: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const settings = benchSettings(values.quick, values['log-level']);
const log = (line: string) => console.error(`bench: ${line}`);
const tuningKeys = ['WORKER_MAX_CONCURRENT_ACTIVITIES', 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 'WORKER_MAX_CACHED_WORKFLOWS', 'DATABASE_POOL_SIZE', 'API_KEY_CACHE_TTL_MS'];

const startedAt = new Date();
const loadBefore = loadavg();
log(`starting the stack (${settings.quick ? 'quick' : 'full'} run)`);
const stack = await startBenchStack({ logLevel: settings.logLevel });
let exitCode = 0;
try {
  log(`logs in ${stack.logDir}`);
  const provisioning = await runProvisioning(stack, settings, log);
  const maxC = Math.max(...settings.concurrencies);
  log(`engine ceiling at c=${maxC}`);
  const ceiling = await runEngineCeiling(stack, settings, maxC);
  const reference = provisioning.rows.find((row) => row.latencyMs === 0 && row.concurrency === maxC)?.service ?? null;
  log('read path');
  const readPath = await runReadPath(stack, settings);

  const partial: Omit<BenchReport, 'targets'> = {
    meta: {
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
      loadAverageBefore: loadBefore.map((value) => Math.round(value * 100) / 100),
      loadAverageAfter: loadavg().map((value) => Math.round(value * 100) / 100),
      tuning: Object.fromEntries(tuningKeys.map((key) => [key, process.env[key] ?? 'default'])),
      node: process.version,
    },
    provisioning: provisioning.rows,
    engineCeiling: { ...ceiling, provisioning: reference, fraction: reference ? ratio(reference.perSecond, ceiling.noop.perSecond) : null },
    readPath,
    memory: provisioning.memory,
  };
  const report: BenchReport = { ...partial, targets: judgeTargets(partial) };
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(renderMarkdown(report));
  if (values.compare && existsSync(values.compare)) {
    console.log(`\n${renderComparison(JSON.parse(readFileSync(values.compare, 'utf8')) as BenchReport, report)}`);
  }
  console.log(`\nload average before/after: ${loadBefore.map((v) => v.toFixed(2)).join(' ')} / ${loadavg().map((v) => v.toFixed(2)).join(' ')} on ${cpus().length} cores; JSON in ${values.out}`);
} catch (error) {
  exitCode = 1;
  console.error('bench failed:', error);
} finally {
  await stack.stop();
}
process.exit(exitCode);
