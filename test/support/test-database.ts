import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Kysely } from 'kysely';
import { createDatabase } from '../../db/connect.js';
import type { Database } from '../../db/schema.js';

/** The run's migrated PostgreSQL database; close it in `afterAll`. */
export function connectTestDatabase(): Kysely<Database> {
  return createDatabase({ databaseUrl: inject('databaseUrl'), dataDir: '.data', poolSize: 5 });
}

/** A fresh organization with one identity, so tests never see each other's rows. */
export async function createTestOrganization(db: Kysely<Database>, handle = 'agent') {
  const organization = await db
    .insertInto('organizations')
    .values({ name: `test-${randomUUID()}` })
    .returningAll()
    .executeTakeFirstOrThrow();
  const identity = await db
    .insertInto('identities')
    .values({ organization_id: organization.id, agent_handle: handle })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { organization, identity };
}
