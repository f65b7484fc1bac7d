import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { createScratchDatabase, type ScratchDatabase } from '../db/scratch-database.js';
import { startDevServer, type DevServer } from '../temporal/dev-server.js';
import { freePort } from '../sandbox/free-port.js';

/** The server each run creates its own database on (runs never see each other's rows). */
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
  }
}

let devServer: DevServer | undefined;
let database: ScratchDatabase | undefined;

/**
 * One fresh migrated database and one Temporal dev server (or TEMPORAL_ADDRESS) for the whole run,
 * and `npm run build`, so tests of the process entry points run the compiled `dist/` as production does.
 */
export async function setup(project: TestProject): Promise<void> {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
  database = await createScratchDatabase(serverUrl, 'test_run_');
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    devServer = await startDevServer({ port: await freePort(), uiPort: null, namespace: 'default', dbFile: null });
    temporalAddress = devServer.address;
  }
  project.provide('databaseUrl', database.url);
  project.provide('temporalAddress', temporalAddress);
}

export async function teardown(): Promise<void> {
  await devServer?.stop();
  await database?.drop();
}
