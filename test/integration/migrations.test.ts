import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { createDatabase } from '../../db/connect.js';
import { createMigrator } from '../../db/migrator.js';
import type { Database } from '../../db/schema.js';

const tableNames = async (db: Kysely<Database>) =>
  (
    await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%'`.execute(db)
  ).rows.map((row) => row.table_name).sort();

async function upDownUp(db: Kysely<Database>) {
  const migrator = createMigrator(db);
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
  expect(await tableNames(db)).toEqual(['api_keys', 'calls', 'idempotency_keys', 'identities', 'organizations', 'phone_numbers']);
  while ((await migrator.migrateDown()).results?.length) { /* down to nothing */ }
  expect(await tableNames(db)).toEqual([]);
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
  expect(await tableNames(db)).toHaveLength(6);
}

describe('migrations', () => {
  const scratchDir = mkdtempSync(join(tmpdir(), 'pglite-'));
  afterAll(() => rmSync(scratchDir, { recursive: true, force: true }));

  it('when run on a scratch PostgreSQL database, then up, down and up again all succeed', async () => {
    const admin = createDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres', dataDir: scratchDir });
    const name = `migrations_${process.pid}_${Date.now()}`;
    await sql`create database ${sql.id(name)}`.execute(admin);
    const db = createDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}`, dataDir: scratchDir });
    try {
      await upDownUp(db);
    } finally {
      await db.destroy();
      await sql`drop database ${sql.id(name)}`.execute(admin);
      await admin.destroy();
    }
  });

  it('when run on the embedded database, then up, down and up again all succeed', async () => {
    const db = createDatabase({ databaseUrl: undefined, dataDir: scratchDir });
    try {
      await upDownUp(db);
    } finally {
      await db.destroy();
    }
  });
});
