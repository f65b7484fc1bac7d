import { sql, type Kysely } from 'kysely';
import { createDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrator.js';
import type { Database } from '../db/schema.js';

const prefix = 'chaos_';

export interface ChaosDatabase {
  name: string;
  url: string;
  /** Ends every server connection to this database (the API's, the worker's, ours); resolves how many. */
  killConnections(): Promise<number>;
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
 * A fresh, migrated `chaos_<pid>` database beside `serverUrl`'s (the maintenance database, which also
 * carries the admin connection so killing the chaos database's connections never kills it).
 */
export async function createChaosDatabase(serverUrl: string): Promise<ChaosDatabase> {
  const admin: Kysely<Database> = createDatabase({ databaseUrl: serverUrl, dataDir: '.data', poolSize: 1 });
  const name = `${prefix}${process.pid}`;
  const { rows } = await sql<{ datname: string }>`select datname from pg_database where datname like ${`${prefix}%`}`.execute(admin);
  for (const { datname } of rows) {
    const pid = Number(datname.slice(prefix.length));
    if (datname === name || !isAlive(pid)) await sql`drop database if exists ${sql.id(datname)} with (force)`.execute(admin);
  }
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
    async killConnections() {
      const killed = await sql<{ pid: number }>`
        select pg_terminate_backend(pid) as pid from pg_stat_activity
        where datname = ${name} and pid <> pg_backend_pid()`.execute(admin);
      return killed.rows.length;
    },
    async drop() {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}
