import { sql, type Kysely } from 'kysely';
import { createDatabase } from './connect.js';
import { migrateToLatest } from './migrator.js';
import type { Database } from './schema.js';

/** A throwaway migrated database for a test run, a soak or a benchmark. */
export interface ScratchDatabase {
  name: string;
  url: string;
  /** A connection to the server's maintenance database, open until `drop()`. */
  admin: Kysely<Database>;
  drop(): Promise<void>;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Creates and migrates `<prefix><pid>_<time>` on the server of `serverUrl`, first dropping the
 * databases with that prefix whose process has died (a run that crashed never drops its own).
 */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const admin = createDatabase({ databaseUrl: serverUrl, dataDir: '.data', poolSize: 1 });
  const dropDatabase = (name: string) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
  const { rows } = await sql<{ datname: string }>`select datname from pg_database where datname like ${`${prefix}%`}`.execute(admin);
  for (const { datname } of rows) {
    const pid = Number(datname.slice(prefix.length).split('_')[0]);
    if (!isAlive(pid)) await dropDatabase(datname);
  }
  const name = `${prefix}${process.pid}_${Date.now()}`;
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const migrating = createDatabase({ databaseUrl: url.href, dataDir: '.data', poolSize: 1 });
  try {
    await migrateToLatest(migrating);
  } finally {
    await migrating.destroy();
  }
  return {
    name,
    url: url.href,
    admin,
    async drop() {
      await dropDatabase(name);
      await admin.destroy();
    },
  };
}
