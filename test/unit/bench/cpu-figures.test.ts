import { describe, expect, it } from 'vitest';
import { cpuMsFromStat, cpuMsOf } from '../../../bench/cpu.js';
import { summarizeProfile, type CpuProfile } from '../../../bench/cpu-profile.js';

describe('CPU figures for the bench (bench/cpu.ts, bench/cpu-profile.ts)', () => {
  it('when /proc/<pid>/stat names a command with spaces and parentheses, then utime + stime are still fields 14 and 15', () => {
    const stat = '4242 (node (worker) x) S 1 4242 4242 0 -1 4194304 9000 0 0 0 250 30 0 0 20 0 11 0 123 456 789';

    expect(cpuMsFromStat(stat, 100)).toBe(2800);
  });

  it('when this process reads its own CPU time, then it is a number of ms', () => {
    expect(cpuMsOf(process.pid)).toBeGreaterThanOrEqual(0);
  });

  it('when a profile is summarized over a window, then only samples inside it count, by function across call paths, idle left out', () => {
    const frame = (id: number, functionName: string, url = '') => ({ id, callFrame: { functionName, url, lineNumber: 9 } });
    const profile: CpuProfile = {
      nodes: [frame(1, '(root)'), frame(2, '(idle)'), frame(3, 'hash', 'file:///app/api/auth.js'), frame(4, 'hash', 'file:///app/api/auth.js'), frame(5, 'parse', 'file:///app/node_modules/pg/lib/x.js')],
      startTime: 1000,
      endTime: 1600,
      samples: [2, 3, 4, 5, 2, 3],
      timeDeltas: [0, 100, 100, 100, 100, 100],
    };

    const inside = summarizeProfile(profile, { file: 'p', projectRoot: '/app', windows: [{ startUs: 1050, endUs: 1350 }] });
    const whole = summarizeProfile(profile, { file: 'p', projectRoot: '/app' });

    expect(inside).toEqual({
      file: 'p',
      scope: 'measured runs',
      totalMs: 0.3,
      busyMs: 0.3,
      top: [
        { frame: 'hash api/auth.js:10', selfMs: 0.2, percent: 66.7 },
        { frame: 'parse pg/lib/x.js:10', selfMs: 0.1, percent: 33.3 },
      ],
    });
    expect(whole.scope).toBe('whole life');
    expect(whole.busyMs).toBe(0.4);
    expect(whole.top[0]).toEqual({ frame: 'hash api/auth.js:10', selfMs: 0.3, percent: 75 });
  });
});
