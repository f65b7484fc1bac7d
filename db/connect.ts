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
   * Told when an idle pooled connection breaks (the server restarted, an operator killed it). The pool
   * drops that connection and makes a new one on demand; without a listener the process would crash.
   */
  onConnectionError?: (error: Error) => void;
}

/** One `Kysely<Database>` for both dialects; the caller owns it and calls `destroy()`. */
export function createDatabase(options: DatabaseOptions): Kysely<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    pool.on('error', options.onConnectionError ?? (() => undefined));
    // A server connection that ends (restart, pg_terminate_backend) emits 'error' on its client, and on
    // the pool while idle; unheard, either crashes the process. The pool drops such a client on release,
    // the statement in flight fails (retried by its caller), and the next query reconnects.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const folder = join(options.dataDir, 'pglite');
  mkdirSync(folder, { recursive: true });
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: new PGlite(folder) }) });
}
