import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export interface DatabaseOptions {
  /** PostgreSQL URL; without one, an embedded PostgreSQL persisted under `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
  /**
   * Told when a server connection ends under the pool (restart, pg_terminate_backend). The pool drops
   * that client, the statement in flight fails (its caller retries) and the next query reconnects;
   * unheard, the 'error' event would crash the process.
   */
  onConnectionError?: (error: Error) => void;
}

/** One `Kysely<Database>` for both dialects; the caller owns it and calls `destroy()`. */
export function createDatabase(options: DatabaseOptions): Kysely<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    const onConnectionError = options.onConnectionError ?? (() => undefined);
    pool.on('error', onConnectionError);
    pool.on('connect', (client) => client.on('error', onConnectionError));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const folder = join(options.dataDir, 'pglite');
  mkdirSync(folder, { recursive: true });
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: new PGlite(folder) }) });
}

/** The database of a service process, from its config; broken pooled connections are logged, not fatal. */
export function connectServiceDatabase(
  config: { DATABASE_URL?: string | undefined; DATA_DIR: string; DATABASE_POOL_SIZE: number },
  logger: { warn(details: object, message: string): void },
): Kysely<Database> {
  return createDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    onConnectionError: (error) => logger.warn({ err: error }, 'a pooled database connection broke'),
  });
}
