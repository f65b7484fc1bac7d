import type { Kysely, Transaction } from 'kysely';
import type { Database, Organization } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function createOrganization(db: Db, name: string): Promise<Organization> {
  return db.insertInto('organizations').values({ name }).returningAll().executeTakeFirstOrThrow();
}

/** The organization with this id, or null; an id that is not a UUID finds nothing instead of failing the query. */
export async function findOrganization(db: Db, id: string): Promise<Organization | null> {
  if (!uuidPattern.test(id)) return null;
  return (await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

/** Locks the organization row until the transaction ends, serialising reservations per organization. */
export async function lockOrganization(trx: Transaction<Database>, organizationId: string): Promise<boolean> {
  const row = await trx.selectFrom('organizations').select('id').where('id', '=', organizationId).forUpdate().executeTakeFirst();
  return row !== undefined;
}
