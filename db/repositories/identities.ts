import type { Kysely, Transaction } from 'kysely';
import type { Database, Identity } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The identity with this handle in this organization, or undefined. */
export function findIdentityByHandle(db: Db, organizationId: string, agentHandle: string): Promise<Identity | undefined> {
  return db
    .selectFrom('identities')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('agent_handle', '=', agentHandle)
    .executeTakeFirst();
}

/** Inserts an identity; resolves undefined when the handle is already taken in the organization. */
export async function insertIdentity(db: Db, organizationId: string, agentHandle: string): Promise<Identity | undefined> {
  return db
    .insertInto('identities')
    .values({ organization_id: organizationId, agent_handle: agentHandle })
    .onConflict((conflict) => conflict.columns(['organization_id', 'agent_handle']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Every identity of the organization, oldest first. */
export function listIdentities(db: Db, organizationId: string): Promise<Identity[]> {
  return db
    .selectFrom('identities')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/** Deletes the organization's identity; its numbers keep their rows (the foreign key sets them unlinked). */
export async function deleteIdentity(db: Db, organizationId: string, identityId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('identities')
    .where('id', '=', identityId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
