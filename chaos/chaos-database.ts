import { sql } from 'kysely';
import { createScratchDatabase } from '../db/scratch-database.js';

export interface ChaosDatabase {
  name: string;
  url: string;
  /** Ends every server connection to this database (the API's, the worker's, ours); resolves how many. */
  killConnections(): Promise<number>;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated `chaos_…` database beside `serverUrl`'s. Connections are killed through the
 * scratch database's admin connection to the maintenance database, so killing never kills it.
 */
export async function createChaosDatabase(serverUrl: string): Promise<ChaosDatabase> {
  const database = await createScratchDatabase(serverUrl, 'chaos_');
  return {
    name: database.name,
    url: database.url,
    async killConnections() {
      const killed = await sql<{ pid: number }>`
        select pg_terminate_backend(pid) as pid from pg_stat_activity
        where datname = ${database.name} and pid <> pg_backend_pid()`.execute(database.admin);
      return killed.rows.length;
    },
    drop: () => database.drop(),
  };
}
