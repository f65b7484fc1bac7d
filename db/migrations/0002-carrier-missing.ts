import type { Kysely } from 'kysely';

/** When reconciliation last found a live number missing at the carrier; null while the carrier has it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('phone_numbers').addColumn('carrier_missing_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('phone_numbers').dropColumn('carrier_missing_at').execute();
}
