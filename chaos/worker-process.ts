import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..');

/** A worker exit the chaos did not cause (a crash), with the tail of its log. */
export interface UnexpectedExit {
  at: string;
  code: number | null;
  signal: string | null;
  logTail: string;
}

export interface WorkerProcess {
  /** SIGKILL, as a machine dying would; resolves once it is gone. */
  kill(): Promise<void>;
  start(): void;
  /** Gracefully (SIGTERM) at the end of the run. */
  stop(): Promise<void>;
  unexpectedExits: UnexpectedExit[];
  starts: number;
  /** The running child's pid (null while down): its Temporal identity is `<pid>@<host>`. */
  readonly pid: number | null;
}

/** Keys the outer environment may carry that must not reach the chaos worker (live carrier, another DB). */
const scrubbed = ['TELNYX_API_KEY', 'TELNYX_CLIENT_ID', 'TELNYX_CLIENT_SECRET', 'TELNYX_PUBLIC_KEY', 'TEMPORAL_NAMESPACE', 'DATA_DIR'];

/**
 * `node --import tsx main/worker.ts` as a child with the stack's env, its output appended to `logFile`.
 * An exit the chaos did not ask for is recorded and the worker restarted, as a supervisor would.
 */
export function createWorkerProcess(env: Record<string, string>, logFile: string): WorkerProcess {
  let child: ChildProcess | null = null;
  let stopping = false;
  const workerEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const key of scrubbed) delete workerEnv[key];

  const self: WorkerProcess = {
    unexpectedExits: [],
    starts: 0,
    get pid() {
      return child?.pid ?? null;
    },
    start() {
      const log = openSync(logFile, 'a');
      const started = spawn(process.execPath, ['--import', 'tsx', 'main/worker.ts'], { cwd: repoRoot, env: workerEnv, stdio: ['ignore', log, log] });
      self.starts += 1;
      child = started;
      started.once('exit', (code, signal) => {
        if (child !== started) return;
        child = null;
        if (stopping) return;
        const logTail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-3).map((line) => line.slice(0, 400)).join('\n');
        self.unexpectedExits.push({ at: new Date().toISOString(), code, signal, logTail });
        setTimeout(() => !stopping && child === null && self.start(), 1000);
      });
    },
    kill() {
      const current = child;
      if (!current) return Promise.resolve();
      child = null;
      return new Promise((done) => {
        current.once('exit', () => done());
        current.kill('SIGKILL');
      });
    },
    async stop() {
      stopping = true;
      const current = child;
      child = null;
      if (!current || current.exitCode !== null) return;
      await new Promise<void>((done) => {
        const killer = setTimeout(() => current.kill('SIGKILL'), 15_000);
        current.once('exit', () => {
          clearTimeout(killer);
          done();
        });
        current.kill('SIGTERM');
      });
    },
  };
  return self;
}
