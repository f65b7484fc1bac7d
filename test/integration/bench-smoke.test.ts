import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject, test } from 'vitest';
import { projectRoot, runTsCli } from '../support/run-cli.js';

test('when `npm run bench -- --quick --cpu-prof --write-doc` runs, then it prints the tables, writes JSON with every section and the doc blocks from it', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const out = join(folder, 'quick.json');
  const doc = join(folder, 'performance.md');
  copyFileSync(join(projectRoot, 'docs', 'performance.md'), doc);
  const serverUrl = new URL(inject('databaseUrl'));
  serverUrl.pathname = '/test';

  const args = ['--quick', '--log-level', 'warn', '--out', out, '--cpu-prof', '--write-doc', '--doc', doc, '--doc-results', folder];
  const run = await runTsCli('bench/main.ts', args, {
    BENCH_DATABASE_URL: serverUrl.href,
  });

  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stdout).toContain('### Targets');
  const report = JSON.parse(readFileSync(out, 'utf8'));
  expect(report.provisioning.map((row: { latencyMs: number; concurrency: number }) => `${row.latencyMs}/${row.concurrency}`)).toEqual([
    '0/1', '0/8', '50/1', '50/8',
  ]);
  for (const row of report.provisioning) {
    expect(row.direct.count).toBeGreaterThan(0);
    expect(row.service.count).toBeGreaterThan(0);
    expect(row.p50Ratio).toBeGreaterThan(0);
    expect(row.cpuMsPerProvisioning.service.worker).toBeGreaterThan(0);
    expect(row.cpuMsPerProvisioning.service.temporal).toBeGreaterThan(0);
    expect(row.cpuMsPerProvisioning.service.api).toBeGreaterThan(0);
  }
  expect(report.engineCeiling.activities).toBeGreaterThan(0);
  expect(report.engineCeiling.noop.count).toBeGreaterThan(0);
  expect(report.readPath.map((row: { endpoint: string }) => row.endpoint)).toEqual(['GET /numbers', 'GET /numbers/{id}']);
  expect(report.readPath.every((row: { service: { count: number }; bare: { count: number } }) => row.service.count > 0 && row.bare.count > 0)).toBe(true);
  expect(report.callDecision.map((row: { action: string; concurrency: number }) => `${row.action}/${row.concurrency}`)).toEqual([
    'auto_accept/1', 'auto_accept/20', 'auto_reject/1', 'auto_reject/20',
  ]);
  for (const row of report.callDecision) {
    expect(row.direct.count, row.direct.firstError).toBeGreaterThan(0);
    expect(row.service.count, row.service.firstError).toBeGreaterThan(0);
    expect(row.service.p50Ms).toBeGreaterThan(0);
  }
  expect(run.stdout).toContain('### Call decision');
  expect(report.memory.throughputPeakMb.api).toBeGreaterThan(0);
  expect(report.memory.throughputPeakMb.worker).toBeGreaterThan(0);
  expect(report.targets.map((each: { name: string }) => each.name)).toContain('worker CPU ms per provisioning, 0 ms carrier, c=1');
  expect(report.meta.loadAverageBefore).toHaveLength(3);
  expect(report.meta.loadAverageAfter).toHaveLength(3);
  expect(report.meta.workerCpuProfile).toBe(true);
  expect(report.workerCpuProfile.threads.length).toBeGreaterThan(0);
  expect(report.workerCpuProfile.threads[0].top.length).toBeGreaterThan(0);
  expect(run.stdout).toContain('### Worker CPU profile');
  const written = readFileSync(doc, 'utf8');
  expect(written).toContain(`| ${report.meta.startedAt} (`);
  expect(written).toContain('### CPU per provisioning');
  expect(written).toContain(`**${report.workerCpuProfile.threads[0].file}**`);
  expect(JSON.parse(readFileSync(join(folder, 'doc.json'), 'utf8')).meta.startedAt).toBe(report.meta.startedAt);
  expect(JSON.parse(readFileSync(join(folder, 'doc-profile.json'), 'utf8')).meta.startedAt).toBe(report.meta.startedAt);
}, 300_000);
