import {
  CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type Transaction,
} from 'kysely';
import type { ProvisioningFailureType } from '../../domain/failures.js';
import { liveStatuses, phoneNumberStatuses, type CallSettings, type PhoneNumberStatus } from '../../domain/phone-number.js';
import type { ProvisioningStep } from '../../domain/workflow-contract.js';
import type pg from 'pg';
import { pgPoolOf } from '../connect.js';
import { batchReads } from '../read-batch.js';
import type { Database, NewPhoneNumber, PhoneNumberRow, PhoneNumberTable } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Builds SQL text and nothing else (no connection): the API's read statements are compiled once, at load. */
const compileOnly = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * Every column of phone_numbers by name (the `satisfies` keeps the list complete): a prepared `select *`
 * fails with "cached plan must not change result type" once a migration adds a column under a running API.
 */
const phoneNumberColumns = Object.keys({
  id: true,
  organization_id: true,
  agent_identity_id: true,
  number: true,
  type: true,
  status: true,
  state: true,
  country: true,
  incoming_call_action: true,
  client_websocket_url: true,
  incoming_call_webhook_url: true,
  workflow_id: true,
  provisioning_step: true,
  failure_reason: true,
  failure_type: true,
  carrier_order_id: true,
  carrier_number_id: true,
  carrier_released_at: true,
  carrier_missing_at: true,
  created_at: true,
  updated_at: true,
} satisfies Record<keyof PhoneNumberTable, true>) as (keyof PhoneNumberTable)[];

/** A statement compiled once; `name` makes it a server-side prepared statement on each pooled connection. */
interface ReadStatement {
  name: string;
  text: string;
}

const phoneNumberByIdStatement: ReadStatement = {
  name: 'api_phone_number_by_id',
  text: compileOnly.selectFrom('phone_numbers').select(phoneNumberColumns).where('id', '=', '').compile().sql,
};

/**
 * What the API's GET routes read of a number: the fields its answer shows, the organization (tenancy)
 * and the failure columns (its fixed sentence), with `created_at` / `updated_at` already ISO 8601 UTC
 * strings, formatted by PostgreSQL as `Date#toISOString` would (milliseconds, truncated), so no
 * timestamp is parsed into a Date only to be printed again.
 */
export type PhoneNumberView = Pick<
  PhoneNumberRow,
  | 'id'
  | 'organization_id'
  | 'agent_identity_id'
  | 'number'
  | 'type'
  | 'status'
  | 'state'
  | 'country'
  | 'incoming_call_action'
  | 'client_websocket_url'
  | 'incoming_call_webhook_url'
  | 'workflow_id'
  | 'provisioning_step'
  | 'failure_reason'
  | 'failure_type'
> & { created_at: string; updated_at: string };

const isoUtc = (column: 'created_at' | 'updated_at') =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as(column);

const viewColumns = [
  'id',
  'organization_id',
  'agent_identity_id',
  'number',
  'type',
  'status',
  'state',
  'country',
  'incoming_call_action',
  'client_websocket_url',
  'incoming_call_webhook_url',
  'workflow_id',
  'provisioning_step',
  'failure_reason',
  'failure_type',
] as const satisfies readonly Exclude<keyof PhoneNumberView, 'created_at' | 'updated_at'>[];

const viewSelection = [...viewColumns, isoUtc('created_at'), isoUtc('updated_at')] as const;

/** `= any($1::uuid[])`: the statements that answer a batch of reads (see `batchReads`) in one round trip. */
const anyUuid = sql<string>`any(${''}::uuid[])`;

const phoneNumberViewByIdStatement: ReadStatement = {
  name: 'api_phone_number_view_by_id',
  text: compileOnly.selectFrom('phone_numbers').select(viewSelection).where('id', '=', '').compile().sql,
};

const phoneNumberViewsByIdsStatement: ReadStatement = {
  name: 'api_phone_number_views_by_ids',
  text: compileOnly.selectFrom('phone_numbers').select(viewSelection).where('id', '=', anyUuid).compile().sql,
};

/**
 * One statement per set of statuses (and per one organization or many), written as literals so that the
 * live-number partial index applies to its generic plan.
 */
const listStatements = new Map<string, ReadStatement>();

/** The key of a set of statuses: its bits in phoneNumberStatuses order (statement names stop at 63 characters). */
const statusSetKey = (statuses: readonly PhoneNumberStatus[]): string =>
  String(phoneNumberStatuses.reduce((bits, status, bit) => (statuses.includes(status) ? bits | (1 << bit) : bits), 0));

function listStatement(statuses: readonly PhoneNumberStatus[], organizations: 'one' | 'many'): ReadStatement {
  const bits = statusSetKey(statuses);
  const key = `${organizations}:${bits}`;
  let statement = listStatements.get(key);
  if (!statement) {
    const wanted = phoneNumberStatuses.filter((status) => statuses.includes(status));
    const text = compileOnly
      .selectFrom('phone_numbers')
      .select(viewSelection)
      .where('organization_id', '=', organizations === 'one' ? '' : anyUuid)
      .where('status', 'in', wanted.map((status) => sql.lit(status)))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .compile().sql;
    const name = organizations === 'one' ? `api_phone_number_views_of_organization_${bits}` : `api_phone_number_views_of_organizations_${bits}`;
    statement = { name, text };
    listStatements.set(key, statement);
  }
  return statement;
}

/**
 * Runs a read statement: against a PostgreSQL server straight through the pg pool as a named prepared
 * statement (parsed and planned once per connection, no query building per request); against the
 * embedded database or inside a transaction, through Kysely with the same SQL.
 */
async function runReadStatement<Row>(db: Db, statement: ReadStatement, values: unknown[]): Promise<Row[]> {
  const pool = pgPoolOf(db);
  if (pool) return queryPool<Row>(pool, statement, values);
  return (await db.executeQuery<Row>(CompiledQuery.raw(statement.text, values))).rows;
}

async function queryPool<Row>(pool: pg.Pool, statement: ReadStatement, values: unknown[]): Promise<Row[]> {
  return (await pool.query({ name: statement.name, text: statement.text, values })).rows as Row[];
}

/** A uuid as PostgreSQL prints it: the batched reads match their rows by it, and a malformed one must not fail a whole batch. */
const canonicalUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The GET routes' reads on one pool, batched per turn of the event loop (see `batchReads`). */
interface BatchedViewReads {
  byId: (id: string) => Promise<PhoneNumberView | undefined>;
  /** Per set of statuses (`statusSetKey`): an organization's numbers in them, newest first. */
  ofOrganization: Map<string, (organizationId: string) => Promise<PhoneNumberView[] | undefined>>;
}

const batchedViewReads = new WeakMap<pg.Pool, BatchedViewReads>();

function batchedReadsOf(pool: pg.Pool): BatchedViewReads {
  let reads = batchedViewReads.get(pool);
  if (!reads) {
    reads = {
      byId: batchReads(async (ids) => {
        const rows =
          ids.length === 1
            ? await queryPool<PhoneNumberView>(pool, phoneNumberViewByIdStatement, ids)
            : await queryPool<PhoneNumberView>(pool, phoneNumberViewsByIdsStatement, [ids]);
        return new Map(rows.map((row) => [row.id, row]));
      }),
      ofOrganization: new Map(),
    };
    batchedViewReads.set(pool, reads);
  }
  return reads;
}

/** The batched list read for this set of statuses: one statement for all organizations asked for in a turn. */
function batchedListOf(pool: pg.Pool, statuses: readonly PhoneNumberStatus[]) {
  const { ofOrganization } = batchedReadsOf(pool);
  const key = statusSetKey(statuses);
  let read = ofOrganization.get(key);
  if (!read) {
    read = batchReads(async (organizationIds) => {
      const rows =
        organizationIds.length === 1
          ? await queryPool<PhoneNumberView>(pool, listStatement(statuses, 'one'), organizationIds)
          : await queryPool<PhoneNumberView>(pool, listStatement(statuses, 'many'), [organizationIds]);
      // Each organization's rows keep the statement's order (newest first).
      const byOrganization = new Map<string, PhoneNumberView[]>();
      for (const row of rows) {
        const listed = byOrganization.get(row.organization_id);
        if (listed) listed.push(row);
        else byOrganization.set(row.organization_id, [row]);
      }
      return byOrganization;
    });
    ofOrganization.set(key, read);
  }
  return read;
}

/**
 * `findPhoneNumberById` for the API's routes on one number (PATCH, DELETE): the same row, through a
 * statement compiled once and prepared on the server (see `runReadStatement`).
 */
export async function readPhoneNumberById(db: Db, phoneNumberId: string): Promise<PhoneNumberRow | undefined> {
  const rows = await runReadStatement<PhoneNumberRow>(db, phoneNumberByIdStatement, [phoneNumberId]);
  return rows[0];
}

/**
 * The number with this id in any organization as GET /numbers/{id} shows it (see `PhoneNumberView`),
 * through a prepared statement. On a PostgreSQL pool, the reads of one turn of the event loop share one
 * statement (see `batchReads`): callers asking for the same id get the same object, not to be changed.
 */
export async function readPhoneNumberView(db: Db, phoneNumberId: string): Promise<PhoneNumberView | undefined> {
  const pool = pgPoolOf(db);
  const id = phoneNumberId.toLowerCase();
  if (pool && canonicalUuid.test(id)) return batchedReadsOf(pool).byId(id);
  const rows = await runReadStatement<PhoneNumberView>(db, phoneNumberViewByIdStatement, [phoneNumberId]);
  return rows[0];
}

/**
 * `listPhoneNumbers` for the API's GET /numbers: the same numbers in the same order, as `PhoneNumberView`s,
 * through a prepared statement. On a PostgreSQL pool, the lists asked for in one turn of the event loop
 * share one statement (see `batchReads`): callers asking for the same list get the same array, not to be changed.
 */
export async function readPhoneNumberViews(
  db: Db,
  organizationId: string,
  statuses: readonly PhoneNumberStatus[],
): Promise<PhoneNumberView[]> {
  if (!statuses.some((status) => phoneNumberStatuses.includes(status))) return [];
  const pool = pgPoolOf(db);
  const organization = organizationId.toLowerCase();
  if (pool && canonicalUuid.test(organization)) return (await batchedListOf(pool, statuses)(organization)) ?? [];
  return runReadStatement<PhoneNumberView>(db, listStatement(statuses, 'one'), [organizationId]);
}

/** The number with this id in any organization (the caller tells 403 from 404), or undefined. */
export function findPhoneNumberById(db: Db, phoneNumberId: string): Promise<PhoneNumberRow | undefined> {
  return db.selectFrom('phone_numbers').selectAll().where('id', '=', phoneNumberId).executeTakeFirst();
}

/** The organization's numbers in the given statuses, newest first. */
export function listPhoneNumbers(
  db: Db,
  organizationId: string,
  statuses: readonly PhoneNumberStatus[],
): Promise<PhoneNumberRow[]> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('status', 'in', statuses)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** The identity's provisioning, active or paused number, or undefined. */
export function findLiveNumberOfIdentity(db: Db, identityId: string): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('agent_identity_id', '=', identityId)
    .where('status', 'in', liveStatuses)
    .executeTakeFirst();
}

/** The live (provisioning, active or paused) row holding this E.164 number, in any organization, or undefined. */
export function findLiveNumberByE164(db: Db, number: string): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('number', '=', number)
    .where('status', 'in', liveStatuses)
    .executeTakeFirst();
}

/** Writes new call settings to the organization's number unless it was released meanwhile; resolves the row, or undefined. */
export function updateCallSettings(
  db: Db,
  organizationId: string,
  phoneNumberId: string,
  settings: CallSettings,
): Promise<PhoneNumberRow | undefined> {
  return db
    .updateTable('phone_numbers')
    .set({
      incoming_call_action: settings.incomingCallAction,
      client_websocket_url: settings.clientWebsocketUrl,
      incoming_call_webhook_url: settings.incomingCallWebhookUrl,
      updated_at: new Date(),
    })
    .where('id', '=', phoneNumberId)
    .where('organization_id', '=', organizationId)
    .where('status', '!=', 'released')
    .returningAll()
    .executeTakeFirst();
}

/** Numbers holding one of the organization's slots (provisioning, active, paused). */
export async function countLiveNumbers(db: Db, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('phone_numbers')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('organization_id', '=', organizationId)
    .where('status', 'in', liveStatuses)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertPhoneNumber(db: Db, row: NewPhoneNumber): Promise<void> {
  await db.insertInto('phone_numbers').values(row).execute();
}

/** Moves a provisioning row of this workflow to another step; resolves whether it was still provisioning. */
export async function updateProvisioningStep(
  db: Db,
  id: string,
  workflowId: string,
  fields: { step: ProvisioningStep; number?: string | null; carrierOrderId?: string },
): Promise<boolean> {
  const result = await db
    .updateTable('phone_numbers')
    .set({
      provisioning_step: fields.step,
      ...(fields.number === undefined ? {} : { number: fields.number }),
      ...(fields.carrierOrderId === undefined ? {} : { carrier_order_id: fields.carrierOrderId }),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('workflow_id', '=', workflowId)
    .where('status', '=', 'provisioning')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** provisioning → active with the carrier's ids; resolves whether the row is now active for this workflow. */
export async function activateProvisionedNumber(
  db: Db,
  id: string,
  workflowId: string,
  fields: { number: string; carrierOrderId: string; carrierNumberId: string; state?: string | null },
): Promise<boolean> {
  await db
    .updateTable('phone_numbers')
    .set({
      status: 'active',
      provisioning_step: 'completed',
      number: fields.number,
      carrier_order_id: fields.carrierOrderId,
      carrier_number_id: fields.carrierNumberId,
      // A local number ordered without a state still gets the state the carrier listed it under.
      state: sql`coalesce(state, ${fields.state ?? null})`,
      failure_reason: null,
      failure_type: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('workflow_id', '=', workflowId)
    .where('status', '=', 'provisioning')
    .execute();
  const row = await findPhoneNumberById(db, id);
  return row?.workflow_id === workflowId && row.status === 'active' && row.carrier_number_id === fields.carrierNumberId;
}

/**
 * provisioning → failed with its type (what customers are told) and raw reason (for operators only);
 * the slot and the identity are free again. No-op otherwise. A null type: the caller could not say.
 */
export async function failProvisioningNumber(
  db: Db,
  id: string,
  workflowId: string,
  failure: { type: ProvisioningFailureType | null; reason: string },
): Promise<void> {
  await db
    .updateTable('phone_numbers')
    .set({
      status: 'failed',
      provisioning_step: 'failed',
      failure_type: failure.type,
      failure_reason: failure.reason,
      agent_identity_id: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('workflow_id', '=', workflowId)
    .where('status', '=', 'provisioning')
    .execute();
}

/**
 * Marks a number released and unlinks it in one statement. Active and paused numbers qualify;
 * `fromFailed` also covers a number whose provisioning a release cancelled.
 */
export async function markPhoneNumberReleased(db: Db, id: string, options: { fromFailed?: boolean } = {}): Promise<PhoneNumberRow | undefined> {
  const from = options.fromFailed ? (['active', 'paused', 'failed'] as const) : (['active', 'paused'] as const);
  await db
    .updateTable('phone_numbers')
    .set({ status: 'released', agent_identity_id: null, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('status', 'in', from)
    .execute();
  return findPhoneNumberById(db, id);
}

/** Records that the carrier confirmed the release (first confirmation wins). */
export async function recordCarrierRelease(db: Db, id: string): Promise<void> {
  await db
    .updateTable('phone_numbers')
    .set({ carrier_released_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('carrier_released_at', 'is', null)
    .execute();
}
