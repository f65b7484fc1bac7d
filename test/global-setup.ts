import type { TestProject } from 'vitest/node';
import { createDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrator.js';
import { startDevServer, type DevServer } from '../temporal/dev-server.js';
import { freePort } from './support/free-port.js';

export const testDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
  }
}

let devServer: DevServer | undefined;

/** One migrated database and one Temporal dev server (or TEMPORAL_ADDRESS) for the whole run. */
export async function setup(project: TestProject): Promise<void> {
  const db = createDatabase({ databaseUrl: testDatabaseUrl, dataDir: '.data' });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    devServer = await startDevServer({ port: await freePort(), uiPort: null, namespace: 'default', dbFile: null });
    temporalAddress = devServer.address;
  }
  project.provide('databaseUrl', testDatabaseUrl);
  project.provide('temporalAddress', temporalAddress);
}

export async function teardown(): Promise<void> {
  await devServer?.stop();
}
