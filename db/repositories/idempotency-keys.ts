import type { Kysely, Transaction } from 'kysely';
import type { Database, IdempotencyKey } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface IdempotencyClaim {
  organizationId: string;
  key: string;
  requestHash: string;
  workflowId: string;
  phoneNumberId: string;
}

export function findIdempotencyKey(db: Db, organizationId: string, key: string): Promise<IdempotencyKey | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('key', '=', key)
    .executeTakeFirst();
}

/**
 * Records the key unless another request did first, then reads back whichever row won, so
 * concurrent requests with one key all see the same workflow and number ids.
 */
export async function claimIdempotencyKey(db: Db, claim: IdempotencyClaim): Promise<IdempotencyKey> {
  await db
    .insertInto('idempotency_keys')
    .values({
      organization_id: claim.organizationId,
      key: claim.key,
      request_hash: claim.requestHash,
      workflow_id: claim.workflowId,
      phone_number_id: claim.phoneNumberId,
    })
    .onConflict((conflict) => conflict.columns(['organization_id', 'key']).doNothing())
    .execute();
  const row = await findIdempotencyKey(db, claim.organizationId, claim.key);
  if (!row) throw new Error('idempotency key vanished after insert');
  return row;
}

/** Forgets a claim whose workflow could never be started, so the key can be claimed again. */
export async function releaseIdempotencyKey(db: Db, organizationId: string, key: string, workflowId: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('organization_id', '=', organizationId)
    .where('key', '=', key)
    .where('workflow_id', '=', workflowId)
    .execute();
}
