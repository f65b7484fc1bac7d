import { sql, type Kysely } from 'kysely';

const live = sql<boolean>`status in ('provisioning', 'active', 'paused')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('identities')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('agent_handle', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('identities_handle_unique_in_org', ['organization_id', 'agent_handle'])
    .execute();

  await db.schema
    .createTable('phone_numbers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('agent_identity_id', 'uuid', (c) => c.references('identities.id').onDelete('set null'))
    .addColumn('number', 'text', (c) => c.check(sql`number ~ '^\\+[1-9][0-9]{1,14}$'`))
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('toll_free', 'local')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('provisioning', 'active', 'paused', 'released', 'failed')`),
    )
    .addColumn('state', 'text', (c) => c.check(sql`state ~ '^[A-Z]{2}$'`))
    .addColumn('country', 'text', (c) => c.notNull().defaultTo('US'))
    .addColumn('incoming_call_action', 'text', (c) =>
      c.notNull().check(sql`incoming_call_action in ('auto_accept', 'auto_reject', 'webhook')`),
    )
    .addColumn('client_websocket_url', 'text', (c) => c.check(sql`client_websocket_url like 'wss://%'`))
    .addColumn('incoming_call_webhook_url', 'text', (c) => c.check(sql`incoming_call_webhook_url like 'https://%'`))
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('provisioning_step', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('carrier_order_id', 'text')
    .addColumn('carrier_number_id', 'text')
    .addColumn('carrier_released_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createIndex('phone_numbers_one_live_per_identity')
    .on('phone_numbers')
    .column('agent_identity_id')
    .unique()
    .where(live)
    .execute();
  await db.schema
    .createIndex('phone_numbers_live_number_unique')
    .on('phone_numbers')
    .column('number')
    .unique()
    .where(live)
    .execute();
  await db.schema
    .createIndex('phone_numbers_by_org_newest')
    .on('phone_numbers')
    .columns(['organization_id', 'created_at desc'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('phone_number_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['organization_id', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['idempotency_keys', 'phone_numbers', 'identities', 'api_keys', 'organizations']) {
    await db.schema.dropTable(table).execute();
  }
}
