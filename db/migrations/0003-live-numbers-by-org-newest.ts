import { sql, type Kysely } from 'kysely';

/**
 * GET /numbers lists an organization's live numbers ordered by `created_at desc, id desc`. With only
 * `(organization_id, created_at desc)`, the planner (stale statistics on a freshly written table) ANDs
 * it with a partial index over every live number in the database and then sorts; this partial index
 * answers the default list, and countLiveNumbers, in index order from the organization's rows alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('phone_numbers_live_by_org_newest')
    .on('phone_numbers')
    .columns(['organization_id', 'created_at desc', 'id desc'])
    .where(sql<boolean>`status in ('provisioning', 'active', 'paused')`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('phone_numbers_live_by_org_newest').execute();
}
