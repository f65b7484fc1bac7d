import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { connectTestDatabase } from '../../support/test-database.js';

const db = connectTestDatabase();
const admin = connectTestDatabase();
afterAll(async () => {
  await db.destroy();
  await admin.destroy();
});

it('when PostgreSQL terminates an idle pooled connection, then the process survives and the next query reconnects', async () => {
  // Arrange: one idle client in the pool, with its server pid known.
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  const pid = rows[0]!.pid;

  // Act: the server ends that connection while it sits idle in the pool.
  await sql`select pg_terminate_backend(${pid})`.execute(admin);
  await new Promise((resolve) => setTimeout(resolve, 300));

  // Assert: no unhandled 'error' event took the process down, and queries go on over a new connection.
  const after = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  expect(after.rows[0]!.pid).not.toBe(pid);
});

it('when PostgreSQL terminates a connection checked out for a transaction between statements, then only that transaction fails', async () => {
  // Arrange / Act: the server ends the transaction's connection while no statement runs on it.
  const transaction = db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
    await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(admin);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sql`select 1`.execute(trx);
  });

  // Assert: the transaction is refused, the process lives on, and the pool serves the next query.
  await expect(transaction).rejects.toThrow();
  const after = await sql<{ one: number }>`select 1 as one`.execute(db);
  expect(after.rows[0]!.one).toBe(1);
});
