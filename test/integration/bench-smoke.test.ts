import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject, test } from 'vitest';
import { runTsCli } from '../support/run-cli.js';

test('when `npm run bench -- --quick` runs, then it prints the table and writes JSON with every section', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-smoke-')), 'quick.json');
  const serverUrl = new URL(inject('databaseUrl'));
  serverUrl.pathname = '/test';

  const run = await runTsCli('bench/main.ts', ['--quick', '--log-level', 'warn', '--out', out], { BENCH_DATABASE_URL: serverUrl.href });

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
  }
  expect(report.engineCeiling.activities).toBeGreaterThan(0);
  expect(report.engineCeiling.noop.count).toBeGreaterThan(0);
  expect(report.readPath.map((row: { endpoint: string }) => row.endpoint)).toEqual(['GET /numbers', 'GET /numbers/{id}']);
  expect(report.readPath.every((row: { service: { count: number }; bare: { count: number } }) => row.service.count > 0 && row.bare.count > 0)).toBe(true);
  expect(report.memory.throughputPeakMb.api).toBeGreaterThan(0);
  expect(report.memory.throughputPeakMb.worker).toBeGreaterThan(0);
  expect(report.targets).toHaveLength(6);
}, 300_000);
