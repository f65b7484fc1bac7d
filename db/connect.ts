import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/config.js';
import { lockEmbeddedDatabase, type EmbeddedDatabaseLockedError } from './embedded-lock.js';
import type { Database } from './schema.js';

export interface DatabaseOptions {
  /** PostgreSQL URL; without one, an embedded PostgreSQL persisted under `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
  /** How long opening a pooled connection may take; without it, a query waits on an unreachable server forever. */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL's `statement_timeout` for every pooled connection, sent at connect time so the server
   * cancels a runaway statement (SQLSTATE 57014); 0 or unset leaves the server's own setting.
   */
  statementTimeoutMs?: number;
  /**
   * Told when a server connection ends under the pool (restart, pg_terminate_backend). The pool drops
   * that client, the statement in flight fails (its caller retries) and the next query reconnects;
   * unheard, the 'error' event would crash the process.
   */
  onConnectionError?: (error: Error) => void;
}

/** The pg pool under each server-backed `Kysely` made here, for queries that bypass Kysely (named prepared statements). */
const pgPools = new WeakMap<Kysely<Database>, pg.Pool>();

/** The pg pool under `db` when `createDatabase` made it for a PostgreSQL server; undefined for the embedded database or a transaction. */
export function pgPoolOf(db: Kysely<Database>): pg.Pool | undefined {
  return pgPools.get(db);
}

/**
 * One `Kysely<Database>` for both dialects; the caller owns it and calls `destroy()`. The embedded
 * database is for one process at a time: while another live process has it open, this throws
 * {@link EmbeddedDatabaseLockedError}.
 */
export function createDatabase(options: DatabaseOptions): Kysely<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.connectTimeoutMs ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    });
    const onConnectionError = options.onConnectionError ?? (() => undefined);
    pool.on('error', onConnectionError);
    pool.on('connect', (client) => client.on('error', onConnectionError));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pgPools.set(db, pool);
    return db;
  }
  return openEmbeddedDatabase(options.dataDir);
}

/**
 * The embedded database holds the lock in `dataDir` (see {@link lockEmbeddedDatabase}) from open to
 * `destroy()`, so a second process (the admin CLI, `npm run migrate` under a running `npm start`)
 * is refused instead of corrupting the folder.
 */
class EmbeddedKysely extends Kysely<Database> {
  readonly #pglite: PGlite;
  readonly #release: () => void;

  constructor(pglite: PGlite, release: () => void) {
    super({ dialect: new PGliteDialect({ pglite }) });
    this.#pglite = pglite;
    this.#release = release;
  }

  override async destroy(): Promise<void> {
    try {
      await super.destroy();
      // Kysely leaves the driver alone when no query ran, but PGlite opened the folder on construction.
      if (!this.#pglite.closed) await this.#pglite.close();
    } finally {
      this.#release();
    }
  }
}

function openEmbeddedDatabase(dataDir: string): Kysely<Database> {
  const folder = join(dataDir, 'pglite');
  const release = lockEmbeddedDatabase(dataDir, folder);
  try {
    mkdirSync(folder, { recursive: true });
    return new EmbeddedKysely(new PGlite(folder), release);
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * The database of a service process, from its config: pool size and timeouts as configured; broken
 * pooled connections are logged, not fatal. The embedded database has no pool, so no timeouts.
 */
export function connectServiceDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR' | 'DATABASE_POOL_SIZE' | 'DATABASE_CONNECT_TIMEOUT_MS' | 'DATABASE_STATEMENT_TIMEOUT_MS'>,
  logger: { warn(details: object, message: string): void },
): Kysely<Database> {
  return createDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    onConnectionError: (error) => logger.warn({ err: error }, 'a pooled database connection broke'),
  });
}
