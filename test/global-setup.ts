import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrator.js';
import { startDevServer, type DevServer } from '../temporal/dev-server.js';
import { freePort } from './support/free-port.js';

/** The server's maintenance database; each run creates its own database beside it. */
const serverUrl = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const runDatabasePrefix = 'test_run_';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
  }
}

let devServer: DevServer | undefined;
let runDatabase: string | undefined;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function withServer<T>(work: (db: ReturnType<typeof createDatabase>) => Promise<T>): Promise<T> {
  const db = createDatabase({ databaseUrl: serverUrl.href, dataDir: '.data', poolSize: 1 });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** A fresh, migrated database per run (runs never see each other's rows), dropping those of dead runs. */
async function createRunDatabase(): Promise<string> {
  const name = `${runDatabasePrefix}${process.pid}_${Date.now()}`;
  await withServer(async (db) => {
    const { rows } = await sql<{ datname: string }>`select datname from pg_database where datname like ${`${runDatabasePrefix}%`}`.execute(db);
    for (const { datname } of rows) {
      const pid = Number(datname.slice(runDatabasePrefix.length).split('_')[0]);
      if (!isAlive(pid)) await sql`drop database if exists ${sql.id(datname)} with (force)`.execute(db);
    }
    await sql`create database ${sql.id(name)}`.execute(db);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({ databaseUrl: url.href, dataDir: '.data', poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  runDatabase = name;
  return url.href;
}

/** One migrated database and one Temporal dev server (or TEMPORAL_ADDRESS) for the whole run. */
export async function setup(project: TestProject): Promise<void> {
  const databaseUrl = await createRunDatabase();
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    devServer = await startDevServer({ port: await freePort(), uiPort: null, namespace: 'default', dbFile: null });
    temporalAddress = devServer.address;
  }
  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', temporalAddress);
}

export async function teardown(): Promise<void> {
  await devServer?.stop();
  if (runDatabase) {
    const name = runDatabase;
    await withServer((db) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(db));
  }
}
