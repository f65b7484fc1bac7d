import type { Kysely } from 'kysely';
import type { Database, PhoneNumberUpdate } from '../../db/schema.js';

/** What an Idempotency-Key claimed: the workflow id it started provisioning under, and the row it reserved. */
export function claimOfKey(db: Kysely<Database>, organizationId: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .select(['workflow_id', 'phone_number_id'])
    .where('organization_id', '=', organizationId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
}

/**
 * Leaves a key as Temporal's retention would: its claim and row stay, no workflow has their id. Both
 * move to an id never started (the dev server takes tens of seconds to delete an execution); `row`
 * changes the row as well, e.g. to what a row written before a migration looks like.
 */
export async function forgetWorkflowOfKey(db: Kysely<Database>, organizationId: string, key: string, row: PhoneNumberUpdate = {}) {
  const claim = await claimOfKey(db, organizationId, key);
  const workflowId = `${claim.workflow_id}-retained`;
  await db.updateTable('idempotency_keys').set({ workflow_id: workflowId }).where('organization_id', '=', organizationId).where('key', '=', key).execute();
  await db.updateTable('phone_numbers').set({ ...row, workflow_id: workflowId }).where('id', '=', claim.phone_number_id).execute();
  return { phoneNumberId: claim.phone_number_id, workflowId };
}
