import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const projectRoot = join(import.meta.dirname, '..', '..');

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a project CLI (a .ts file under the project) with tsx, as `npm run` would, with extra env. */
export function runTsCli(script: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCommand(join(projectRoot, 'node_modules', '.bin', 'tsx'), [join(projectRoot, script), ...args], env);
}

/** Runs a command in the project root; resolves its exit code and output, whatever the code. */
export function runCommand(command: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}
