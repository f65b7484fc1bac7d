import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docBlocks, docResults, machineLoad, renderRunBlock, replaceBlock, rewriteDoc } from '../../../bench/doc.js';
import type { BenchReport } from '../../../bench/report.js';

const projectRoot = join(import.meta.dirname, '..', '..', '..');
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'report.json'), 'utf8')) as BenchReport;
const withLoad = (before: number[], after: number[]): BenchReport => ({ ...fixture, meta: { ...fixture.meta, loadAverageBefore: before, loadAverageAfter: after } });
const doc = [
  '# Performance',
  '',
  'Hand-written text.',
  '',
  docBlocks.run.begin,
  'stale table',
  docBlocks.run.end,
  '',
  'More text.',
  '',
  docBlocks.profile.begin,
  'stale profile',
  docBlocks.profile.end,
  '',
].join('\n');

describe('docs/performance.md generated from a run JSON (bench/doc.ts)', () => {
  it('when the doc is rewritten from the fixture run, then the blocks hold its meta, tables and profile and the text around them stays', () => {
    const rewritten = rewriteDoc(doc, { report: fixture, source: 'bench/results/fixture.json' }, { report: fixture, source: 'bench/results/fixture.json' });

    expect(rewritten).not.toContain('stale');
    expect(rewritten.startsWith('# Performance\n\nHand-written text.\n\n<!-- bench:begin -->\n| run | commit |')).toBe(true);
    expect(rewritten).toContain('More text.');
    expect(rewritten).toContain('| 2026-12-02T04:39:00.000Z (');
    expect(rewritten).toContain('| abc1234 | quick, worker under --cpu-prof |');
    expect(rewritten).toContain('Generated from `bench/results/fixture.json` by `npm run bench -- --write-doc`');
    expect(rewritten).toContain('| 0 ms | 1 | 24.6 / 42.4 / 67.6 | 38.8 | 214.7 / 281 / 281 | 4.6 | 8.73× | 0.12 | 0 |');
    expect(rewritten).toContain('| 0 ms | 1 | 110 | 12.7 | 90.9 | 3.6 | 217.2 | 13.5 | 3.4 |');
    expect(rewritten).toContain('| worker CPU ms per provisioning, 0 ms carrier, c=1 | ≤ 40 | 110 | no |');
    expect(rewritten).toContain('| auto_accept | 20 | 905 / 2011 | 2000 / 3355 | 2.21× | 1.67× | 33 / 28 | 0 | 27.9 / 13.9 / 28.2 / 18.6 | 11.5 / 12.4 |');
    expect(rewritten).toContain('| 700.5 | 8.4 | `(anonymous) @temporalio/core-bridge/index.js:10` |');
    expect(rewritten.endsWith(`${docBlocks.profile.end}\n`)).toBe(true);
    expect(rewriteDoc(rewritten, { report: fixture, source: 'bench/results/fixture.json' }, { report: fixture, source: 'bench/results/fixture.json' })).toBe(rewritten);
  });

  it('when the 1-minute load after the run was above the CPU count, then the run is marked loaded in its table', () => {
    const block = renderRunBlock(withLoad([1.5, 1.2, 0.9], [2.75, 1.8, 1.1]), 'run.json');

    expect(block).toContain('| 1.50 / 1.20 / 0.90 | 2.75 / 1.80 / 1.10 | **loaded**: 1-minute load 1.50 / 2.75 (before / after) above 2 CPUs; figures are noisy |');
  });

  it('when only the load before the run was above the CPU count, then the run is still marked loaded', () => {
    expect(machineLoad(withLoad([2.01, 0.5, 0.5], [0.4, 0.5, 0.5]).meta)).toEqual({ loaded: true, before: 2.01, after: 0.4, cpus: 2 });
    expect(renderRunBlock(withLoad([2.01, 0.5, 0.5], [0.4, 0.5, 0.5]), 'run.json')).toContain('**loaded**');
  });

  it('when both loads were at most the CPU count, then the run is marked not loaded', () => {
    const block = renderRunBlock(withLoad([2, 3, 3], [0.7, 1, 1]), 'run.json');

    expect(block).toContain('| not loaded: 1-minute load at most 2 CPUs |');
    expect(block).not.toContain('**loaded**');
  });

  it('when no run with a CPU profile is given, then the profile block keeps what it held', () => {
    const rewritten = rewriteDoc(doc, { report: fixture, source: 'run.json' });

    expect(rewritten).toContain('stale profile');
    expect(rewritten).not.toContain('stale table');
  });

  it('when the markers are missing, then rewriting says which', () => {
    expect(() => replaceBlock('# no markers', docBlocks.run, 'x')).toThrow('markers <!-- bench:begin --> … <!-- bench:end --> not found in order');
  });

  it('when docs/performance.md is rendered again from the committed runs it names, then nothing changes (its blocks are not edited by hand)', () => {
    const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8');
    const committed = read('docs/performance.md');
    const run = { report: JSON.parse(read(docResults.run)) as BenchReport, source: docResults.run };
    const profile = existsSync(join(projectRoot, docResults.profile))
      ? { report: JSON.parse(read(docResults.profile)) as BenchReport, source: docResults.profile }
      : undefined;

    expect(rewriteDoc(committed, run, profile), 'regenerate with: npm run bench -- --doc-from bench/results/doc.json').toBe(committed);
  });
});
