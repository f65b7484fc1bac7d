import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';
import { projectRoot } from './run-cli.js';

/** One JSON log line of an entry point. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** A compiled entry point running as its own process. */
export interface MainProcess {
  child: ChildProcess;
  /** Its exit code, once it exits. */
  exited: Promise<number | null>;
  /** Every stdout line so far, parsed. */
  lines: () => LogLine[];
  stderr: () => string;
}

/**
 * Runs a compiled entry point (`dist/main/…`; global setup builds it) against the test run's PostgreSQL
 * and Temporal with LOG_LEVEL=info and `env` on top; resolves once it logs `ready` (a log line's msg),
 * rejects if it exits first. The child goes into `children` as soon as it starts, for the caller to stop.
 */
export async function startMainProcess(options: { script: string; ready: string; env: Record<string, string>; children: ChildProcess[] }): Promise<MainProcess> {
  const { script, ready, env } = options;
  const child = spawn(process.execPath, [script], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress'), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(JSON.stringify(ready))) resolve();
    });
    void exited.then((code) => reject(new Error(`${script} exited with ${code}: ${stdout}${stderr}`)));
  });
  const lines = () => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);
  return { child, exited, lines, stderr: () => stderr };
}
