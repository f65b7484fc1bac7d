import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (`getconf CLK_TCK`; 100 on Linux when it cannot be read). */
export const clockTicksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * utime + stime of a process (all its threads) in ms from the text of `/proc/<pid>/stat`: fields 14
 * and 15, counted after the command name, which is in parentheses and may itself hold spaces.
 */
export function cpuMsFromStat(stat: string, ticksPerSecond = clockTicksPerSecond): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** CPU time a process has used so far in ms, or null once it has gone (or off Linux). */
export function cpuMsOf(pid: number): number | null {
  try {
    return cpuMsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** The pid of a running process whose argument list satisfies `match`, from /proc; null if none. */
export function findPid(match: (argv: string[]) => boolean): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (match(argv)) return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return null;
}

/**
 * Starts counting the CPU of some processes; `perOperation(n)` gives each one's ms over the window so far
 * divided by n (one decimal), or null for a process that went away or had no pid.
 */
export function cpuWindow(processes: { name: string; pid: number | null }[]) {
  const start = processes.map(({ name, pid }) => ({ name, pid, ms: pid === null ? null : cpuMsOf(pid) }));
  return {
    perOperation(operations: number): Record<string, number | null> {
      return Object.fromEntries(
        start.map(({ name, pid, ms }) => {
          const now = pid === null ? null : cpuMsOf(pid);
          const value = ms === null || now === null || operations === 0 ? null : Math.round(((now - ms) * 10) / operations) / 10;
          return [name, value];
        }),
      );
    },
  };
}
