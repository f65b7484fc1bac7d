import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChildHandle {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves once a line of the child's stdout matches; rejects if the child exits or time runs out. */
  waitForLine(match: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Runs `file` as its own node process (so its pid is the measured process, not a wrapper): compiled
 * JavaScript as it is, TypeScript under tsx. stdout and stderr go to `logDir/name.log`.
 */
export function spawnNode(
  name: string,
  file: string,
  options: { env: NodeJS.ProcessEnv; logDir: string; args?: string[]; nodeArgs?: string[] },
): ChildHandle {
  const logFile = join(options.logDir, `${name}.log`);
  const out = openSync(logFile, 'a');
  const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, file, ...(options.args ?? [])], {
    env: options.env,
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logTail = () => readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');

  return {
    name,
    pid: child.pid!,
    logFile,
    async waitForLine(match, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = readFileSync(logFile, 'utf8').split('\n').find((each) => match.test(each));
        if (line) return line;
        if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before ready:\n${logTail()}`);
        if (Date.now() > deadline) throw new Error(`${name} not ready after ${timeoutMs} ms:\n${logTail()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Resident set size now and its high-water mark, in MB, from /proc (Linux). */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

/** Samples the RSS of some processes every `intervalMs` until stopped; resolves the peak per name. */
export function sampleRss(processes: { name: string; pid: number }[], intervalMs = 200) {
  const peaks: Record<string, number> = {};
  const sample = () => {
    for (const { name, pid } of processes) {
      const memory = memoryOf(pid);
      if (memory) peaks[name] = Math.max(peaks[name] ?? 0, memory.rssMb);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop(): Record<string, number> {
      clearInterval(timer);
      sample();
      return { ...peaks };
    },
  };
}

/** How an npm script may start node: itself, or through the wrapper that picks a current Node (22+). */
const nodeLaunchers = [['node'], ['bash', 'tools/current-node.sh']];

/**
 * What `npm run <script>` runs when its script is `node [flags] file` (or `bash tools/current-node.sh
 * [flags] file`): the flags and the file, so the bench starts a process exactly as production does while
 * measuring node itself, not npm or the wrapper. The bench runs on the node the wrapper chose and
 * starts its children with that same node.
 */
export function npmScriptCommand(packageJsonPath: string, script: string): { nodeArgs: string[]; file: string } {
  const scripts = (JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = (scripts[script] ?? '').split(/\s+/).filter(Boolean);
  const launcher = nodeLaunchers.find((prefix) => prefix.every((word, i) => words[i] === word));
  if (!launcher || words.length < launcher.length + 1) {
    throw new Error(`npm run ${script} is not "node [flags] file" nor "bash tools/current-node.sh [flags] file": ${scripts[script]}`);
  }
  return { nodeArgs: words.slice(launcher.length, -1), file: words.at(-1)! };
}
