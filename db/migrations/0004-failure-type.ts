import { sql, type Kysely } from 'kysely';

/**
 * Why a provisioning failed, as a fixed type: the API shows customers the sentence for the type, never
 * `failure_reason` (carrier text, constraint names, watcher ids), which stays for operators. Rows failed
 * before this migration keep a null type; the API reads their reason's wording instead. The list is
 * written out here, not imported, so this migration means the same thing when the domain's list grows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('phone_numbers')
    .addColumn('failure_type', 'text', (c) =>
      c.check(sql`failure_type in ('no_numbers_available', 'carrier_provisioning_failed', 'provisioning_cancelled', 'provisioning_interrupted')`),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('phone_numbers').dropColumn('failure_type').execute();
}
