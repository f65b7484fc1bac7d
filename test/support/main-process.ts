import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';
import { projectRoot } from './run-cli.js';

/** One JSON log line of an entry point. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** A compiled entry point running as its own process. */
export interface MainProcess {
  child: ChildProcess;
  /** Its exit code, once it has exited and all its output is read. */
  exited: Promise<number | null>;
  /** Every stdout line so far, parsed. */
  lines: () => LogLine[];
  stderr: () => string;
  /** Everything it printed so far: stdout, then stderr. */
  output: () => string;
}

export interface MainProcessOptions {
  /** e.g. `dist/main/worker.js`; global setup builds dist/. */
  script: string;
  /** The msg of the log line that says it is up. */
  ready: string;
  env: Record<string, string>;
  /** The child goes in here as soon as it starts, for the caller to stop. */
  children: ChildProcess[];
}

/**
 * Runs a compiled entry point against the test run's PostgreSQL and Temporal with LOG_LEVEL=info and `env`
 * on top, without waiting: `ready` resolves true once it logs `options.ready`, false if it exits first
 * (always false without `options.ready`, for a process expected to stop on its own).
 */
export function spawnMainProcess(options: Omit<MainProcessOptions, 'ready'> & { ready?: string }): MainProcess & { ready: Promise<boolean> } {
  const { script, env } = options;
  const child = spawn(process.execPath, [script], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress'), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const ready = new Promise<boolean>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.ready !== undefined && stdout.includes(JSON.stringify(options.ready))) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  const lines = () => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);
  return { child, exited, ready, lines, stderr: () => stderr, output: () => stdout + stderr };
}

/** {@link spawnMainProcess}, resolved once it logs `ready`; rejects, with its output, if it exits first. */
export async function startMainProcess(options: MainProcessOptions): Promise<MainProcess> {
  const { ready, ...started } = spawnMainProcess(options);
  if (!(await ready)) throw new Error(`${options.script} exited with ${await started.exited}: ${started.output()}`);
  return started;
}
