import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { createDatabase, pgPoolOf } from '../../../db/connect.js';
import { createMigrator } from '../../../db/migrator.js';
import {
  findPhoneNumberById,
  listPhoneNumbers,
  readPhoneNumberById,
  readPhoneNumberView,
  readPhoneNumberViews,
  type PhoneNumberView,
} from '../../../db/repositories/phone-numbers.js';
import type { Database, PhoneNumberRow } from '../../../db/schema.js';
import { provisioningFailureTypes } from '../../../domain/failures.js';
import { liveStatuses, phoneNumberStatuses, type PhoneNumberStatus } from '../../../domain/phone-number.js';
import { connectTestDatabase } from '../../support/test-database.js';

/** An organization holding one number in each status (two active), and another organization's active number. */
async function seedNumbers(db: Kysely<Database>) {
  const organizations = await db
    .insertInto('organizations')
    .values([{ name: `reads-${randomUUID()}` }, { name: `reads-other-${randomUUID()}` }])
    .returning('id')
    .execute();
  const [mine, other] = organizations.map((row) => row.id) as [string, string];
  const statuses: [string, PhoneNumberStatus][] = [
    ...phoneNumberStatuses.map((status): [string, PhoneNumberStatus] => [mine, status]),
    [mine, 'active'],
    [other, 'active'],
  ];
  const ids: string[] = [];
  for (const [index, [organizationId, status]] of statuses.entries()) {
    const id = randomUUID();
    ids.push(id);
    await db
      .insertInto('phone_numbers')
      .values({
        id,
        organization_id: organizationId,
        number: status === 'failed' ? null : `+1999${String(randomInt(10_000_000)).padStart(7, '0')}`,
        type: 'local',
        status,
        state: 'NY',
        incoming_call_action: 'auto_reject',
        workflow_id: `provision/${id}`,
        provisioning_step: status === 'provisioning' ? 'ordering' : null,
        failure_type: status === 'failed' ? provisioningFailureTypes.carrierFailed : null,
        failure_reason: status === 'failed' ? 'carrier said no' : null,
        // The same created_at for two rows: the list's tie-break on id must hold too.
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, index === 6 ? 5 : index)),
      })
      .execute();
    // Microseconds JavaScript cannot hold: the view's text and the Date both drop them the same way.
    await sql`update phone_numbers set updated_at = '2026-01-01 23:59:59.999999+00' where id = ${id}`.execute(db);
  }
  return { mine, ids };
}

/** What a view of this row must be: its fields, with the timestamps as Date#toISOString prints them. */
function viewOf(row: PhoneNumberRow): PhoneNumberView {
  const { carrier_order_id: _order, carrier_number_id: _number, carrier_released_at: _released, carrier_missing_at: _missing, ...fields } = row;
  return { ...fields, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

const statusSets: (readonly PhoneNumberStatus[])[] = [liveStatuses, ['failed'], ['released', 'active'], ['active', 'released'], phoneNumberStatuses];

/** The prepared reads answer exactly what the query-builder reads answer (as views, for the GET routes' reads). */
async function expectSameAsBuilderReads(db: Kysely<Database>) {
  const { mine, ids } = await seedNumbers(db);
  for (const statuses of statusSets) {
    const listed = await readPhoneNumberViews(db, mine, statuses);
    expect(listed).toEqual((await listPhoneNumbers(db, mine, statuses)).map(viewOf));
    expect(listed.length).toBeGreaterThan(0);
  }
  for (const id of ids) {
    const row = await findPhoneNumberById(db, id);
    expect(await readPhoneNumberById(db, id)).toEqual(row);
    expect(await readPhoneNumberView(db, id)).toEqual(viewOf(row!));
  }
  expect(await readPhoneNumberById(db, randomUUID())).toBeUndefined();
  expect(await readPhoneNumberView(db, randomUUID())).toBeUndefined();
  await db.transaction().execute(async (trx) => {
    expect(await readPhoneNumberViews(trx, mine, liveStatuses)).toEqual((await listPhoneNumbers(trx, mine, liveStatuses)).map(viewOf));
    expect(await readPhoneNumberById(trx, ids[1]!)).toEqual(await findPhoneNumberById(trx, ids[1]!));
  });
}

describe('prepared phone-number reads', () => {
  const scratchDir = mkdtempSync(join(tmpdir(), 'reads-'));
  let db: Kysely<Database>;
  beforeAll(() => {
    db = connectTestDatabase();
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(scratchDir, { recursive: true, force: true });
  });

  test('when read through the PostgreSQL pool, then the rows are those of the query-builder reads, in the same order', async () => {
    expect(pgPoolOf(db)).toBeDefined();
    await expectSameAsBuilderReads(db);
  });

  test('when reads are asked for in one turn through the pool, then one statement per kind answers each caller with its own rows', async () => {
    const pool = pgPoolOf(db)!;
    const first = await seedNumbers(db);
    const second = await seedNumbers(db);
    const ids = [...first.ids, ...second.ids];
    const expectedViews = await Promise.all(ids.map(async (id) => viewOf((await findPhoneNumberById(db, id))!)));
    const expectedLists = await Promise.all(
      [first.mine, second.mine].flatMap((organizationId) => [liveStatuses, ['failed'] as const].map(async (statuses) => (await listPhoneNumbers(db, organizationId, statuses)).map(viewOf))),
    );
    const queries = vi.spyOn(pool, 'query');
    try {
      const [views, upperCase, unknown, lists] = await Promise.all([
        Promise.all(ids.map((id) => readPhoneNumberView(db, id))),
        readPhoneNumberView(db, ids[0]!.toUpperCase()),
        readPhoneNumberView(db, randomUUID()),
        Promise.all([first.mine, second.mine].flatMap((organizationId) => [liveStatuses, ['failed'] as const].map((statuses) => readPhoneNumberViews(db, organizationId, statuses)))),
      ]);
      // By id, live lists, failed lists: three statements for the 21 reads.
      expect(queries).toHaveBeenCalledTimes(3);
      expect(views).toEqual(expectedViews);
      expect(upperCase).toEqual(expectedViews[0]);
      expect(unknown).toBeUndefined();
      expect(lists).toEqual(expectedLists);
    } finally {
      queries.mockRestore();
    }
  });

  test('when a malformed id is read in the same turn as others, then only that read fails', async () => {
    const { ids } = await seedNumbers(db);
    const [malformed, good] = await Promise.allSettled([readPhoneNumberView(db, 'not-a-uuid'), readPhoneNumberView(db, ids[0]!)]);
    expect(malformed.status).toBe('rejected');
    expect(good).toEqual({ status: 'fulfilled', value: viewOf((await findPhoneNumberById(db, ids[0]!))!) });
  });

  test('when read from the embedded database (npm start), then the same statements answer the same rows through Kysely', async () => {
    const embedded = createDatabase({ databaseUrl: undefined, dataDir: scratchDir });
    try {
      expect(pgPoolOf(embedded)).toBeUndefined();
      expect((await createMigrator(embedded).migrateToLatest()).error).toBeUndefined();
      await expectSameAsBuilderReads(embedded);
    } finally {
      await embedded.destroy();
    }
  });

  test('when a migration adds a column under a running pool, then the reads already prepared on its connections still answer', async () => {
    const admin = connectTestDatabase();
    const name = `reads_${process.pid}_${Date.now()}`;
    await sql`create database ${sql.id(name)}`.execute(admin);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    // One pooled connection, so the reads after the change run on the connection that prepared them.
    const scratch = createDatabase({ databaseUrl: url.href, dataDir: scratchDir, poolSize: 1 });
    try {
      expect((await createMigrator(scratch).migrateToLatest()).error).toBeUndefined();
      const { mine, ids } = await seedNumbers(scratch);
      const before = await readPhoneNumberViews(scratch, mine, liveStatuses);
      await readPhoneNumberById(scratch, ids[1]!);
      await readPhoneNumberView(scratch, ids[1]!);

      await sql`alter table phone_numbers add column added_later text`.execute(scratch);

      expect(await readPhoneNumberViews(scratch, mine, liveStatuses)).toEqual(before);
      expect((await readPhoneNumberById(scratch, ids[1]!))?.id).toBe(ids[1]);
      expect((await readPhoneNumberView(scratch, ids[1]!))?.id).toBe(ids[1]);
    } finally {
      await scratch.destroy();
      await sql`drop database ${sql.id(name)}`.execute(admin);
      await admin.destroy();
    }
  });
});
