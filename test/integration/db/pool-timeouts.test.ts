import { createServer, type Server, type Socket } from 'node:net';
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../config/config.js';
import { connectServiceDatabase } from '../../../db/connect.js';
import type { Database } from '../../../db/schema.js';

const opened: Kysely<Database>[] = [];
const silentServers: Server[] = [];
const heldSockets: Socket[] = [];
const quietLogger = { warn: () => undefined };

afterAll(async () => {
  await Promise.all(opened.map((db) => db.destroy()));
  for (const socket of heldSockets) socket.destroy();
  await Promise.all(silentServers.map((server) => new Promise((done) => server.close(done))));
});

/** The service's database exactly as the assembly opens it, from config built out of `env`. */
function serviceDatabase(env: NodeJS.ProcessEnv): Kysely<Database> {
  const db = connectServiceDatabase(loadConfig(env), quietLogger);
  opened.push(db);
  return db;
}

/** A TCP server that accepts connections and never says a word: PostgreSQL that hangs during connect. */
async function silentServer(): Promise<number> {
  const server = createServer((socket) => void heldSockets.push(socket));
  silentServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('database pool timeouts from config', () => {
  it('when DATABASE_STATEMENT_TIMEOUT_MS is set, then each pooled connection carries it and PostgreSQL cancels a longer statement', async () => {
    const db = serviceDatabase({ DATABASE_URL: inject('databaseUrl'), DATABASE_STATEMENT_TIMEOUT_MS: '200' });

    const { rows } = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(db);
    const slow = sql`select pg_sleep(5)`.execute(db);

    expect(rows[0]?.statement_timeout).toBe('200ms');
    await expect(slow).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    // The connection survives the cancel: the pool goes on serving.
    const after = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(after.rows[0]?.one).toBe(1);
  });

  it('when DATABASE_STATEMENT_TIMEOUT_MS is 0, then the server default applies and no limit is sent', async () => {
    const db = serviceDatabase({ DATABASE_URL: inject('databaseUrl'), DATABASE_STATEMENT_TIMEOUT_MS: '0' });

    const { rows } = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(db);

    // The test server runs with PostgreSQL's default, 0 (no limit).
    expect(rows[0]?.statement_timeout).toBe('0');
  });

  it('when the server accepts but never answers, then a query fails after DATABASE_CONNECT_TIMEOUT_MS instead of waiting forever', async () => {
    const port = await silentServer();
    const db = serviceDatabase({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none`, DATABASE_CONNECT_TIMEOUT_MS: '300' });

    const query = sql`select 1`.execute(db);

    await expect(query).rejects.toThrow(/timeout/i);
  });
});
