import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { judgeTargets, type BenchReport } from '../../../bench/report.js';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'report.json'), 'utf8')) as BenchReport;

it('when targets are judged, then worker CPU and the call decision at 20 calls are among them, and a missing figure is not met', () => {
  const targets = judgeTargets(fixture);

  const byName = Object.fromEntries(targets.map((each) => [each.name, { value: each.value, met: each.met }]));
  expect(byName['worker CPU ms per provisioning, 0 ms carrier, c=1']).toEqual({ value: 110, met: false });
  expect(byName['call decision p50 ms, auto_accept, c=20']).toEqual({ value: 2000, met: false });
  expect(byName['call decision p99 ms, auto_accept, c=20']).toEqual({ value: 3355, met: false });
  expect(byName['call decision p50 ms, auto_reject, c=20']).toEqual({ value: null, met: false });
});
