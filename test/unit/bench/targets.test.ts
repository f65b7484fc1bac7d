import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { judgeTargets, type BenchReport } from '../../../bench/report.js';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'report.json'), 'utf8')) as BenchReport;

it('when targets are judged, then worker CPU and the call decision in a burst of 20 calls are among them, each judged against its goal, and a missing figure is not met', () => {
  const targets = judgeTargets(fixture);

  const byName = Object.fromEntries(targets.map((each) => [each.name, { value: each.value, met: each.met }]));
  expect(byName['worker CPU ms per provisioning, 0 ms carrier, c=1']).toEqual({ value: 110, met: false });
  // The fixture's burst: p50 within 250 ms, p99 over 1 s; the closed loop's 2000 ms at c=20 is a saturation figure, not judged.
  expect(byName['call decision p50 ms, auto_accept, burst of 20 calls']).toEqual({ value: 240, met: true });
  expect(byName['call decision p99 ms, auto_accept, burst of 20 calls']).toEqual({ value: 1400, met: false });
  expect(byName['call decision p50 ms, auto_reject, burst of 20 calls']).toEqual({ value: null, met: false });
  expect(targets.filter((each) => each.name.startsWith('call decision'))).toHaveLength(4);
});
