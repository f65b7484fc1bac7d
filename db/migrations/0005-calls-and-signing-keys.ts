import { sql, type Kysely } from 'kysely';

/**
 * Incoming calls, one row per call a known number receives (keyed by Telnyx's `call_control_id`, so a
 * redelivered `call.initiated` finds its row), and each identity's webhook signing key, encrypted at
 * rest (AES-256-GCM with SIGNING_KEY_ENCRYPTION_KEY; the plain key is shown once). The value lists are
 * written out, not imported, so this migration means the same thing when the domain's lists grow.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calls')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('phone_number_id', 'uuid', (c) => c.notNull().references('phone_numbers.id').onDelete('cascade'))
    .addColumn('agent_identity_id', 'uuid', (c) => c.references('identities.id').onDelete('set null'))
    .addColumn('call_control_id', 'text', (c) => c.notNull().unique())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('local_phone_number', 'text', (c) => c.notNull())
    .addColumn('remote_phone_number', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull().defaultTo('inbound').check(sql`direction in ('inbound', 'outbound')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('initiated', 'ringing', 'answered', 'completed', 'failed', 'canceled')`),
    )
    .addColumn('incoming_call_action', 'text', (c) =>
      c.notNull().check(sql`incoming_call_action in ('auto_accept', 'auto_reject', 'webhook')`),
    )
    .addColumn('client_websocket_url', 'text')
    .addColumn('hangup_reason', 'text', (c) =>
      c.check(sql`hangup_reason in ('local', 'remote', 'max_duration', 'voicemail', 'rejected')`),
    )
    .addColumn('decision_reason', 'text')
    .addColumn('started_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('calls_by_org_newest')
    .on('calls')
    .columns(['organization_id', 'created_at desc', 'id desc'])
    .execute();

  await db.schema
    .alterTable('identities')
    .addColumn('signing_key_ciphertext', 'text')
    .addColumn('signing_key_created_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('identities').dropColumn('signing_key_ciphertext').dropColumn('signing_key_created_at').execute();
  await db.schema.dropTable('calls').execute();
}
