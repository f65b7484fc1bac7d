import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, PhoneNumberRow } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The row fields reconciliation compares with the carrier. */
export type ReconcileRow = Pick<
  PhoneNumberRow,
  'id' | 'organization_id' | 'number' | 'status' | 'workflow_id' | 'carrier_number_id' | 'carrier_released_at' | 'carrier_missing_at'
>;

/**
 * Rows that own or may still own a carrier number: live ones (provisioning, active, paused) and released
 * ones whose carrier release is not confirmed yet (their release workflow is still at it).
 */
export function listReconcileRows(db: Db, organizationIds?: readonly string[]): Promise<ReconcileRow[]> {
  let query = db
    .selectFrom('phone_numbers')
    .select(['id', 'organization_id', 'number', 'status', 'workflow_id', 'carrier_number_id', 'carrier_released_at', 'carrier_missing_at'])
    .where((eb) =>
      eb.or([
        eb('status', 'in', ['provisioning', 'active', 'paused']),
        eb.and([eb('status', '=', 'released'), eb('carrier_released_at', 'is', null)]),
      ]),
    );
  if (organizationIds) {
    if (organizationIds.length === 0) return Promise.resolve([]);
    query = query.where('organization_id', 'in', organizationIds);
  }
  return query.execute();
}

/** A row that may be stuck: what the sweep needs to find its workflow and repair it. */
export type StuckCandidate = Pick<PhoneNumberRow, 'id' | 'organization_id' | 'number' | 'status' | 'workflow_id' | 'carrier_number_id'>;

/**
 * Rows not in a terminal state that have not changed for `unchangedForMs`: provisioning ones, and
 * released ones with a carrier number whose carrier release is not confirmed. Whether their workflow
 * is still running is for the caller to ask Temporal.
 */
export function listStuckCandidates(db: Db, options: { unchangedForMs: number; organizationIds?: readonly string[] }): Promise<StuckCandidate[]> {
  let query = db
    .selectFrom('phone_numbers')
    .select(['id', 'organization_id', 'number', 'status', 'workflow_id', 'carrier_number_id'])
    .where((eb) =>
      eb.or([
        eb('status', '=', 'provisioning'),
        eb.and([eb('status', '=', 'released'), eb('carrier_number_id', 'is not', null), eb('carrier_released_at', 'is', null)]),
      ]),
    )
    .where('updated_at', '<', sql<Date>`now() - ${options.unchangedForMs}::float8 * interval '1 millisecond'`);
  if (options.organizationIds) {
    if (options.organizationIds.length === 0) return Promise.resolve([]);
    query = query.where('organization_id', 'in', options.organizationIds);
  }
  return query.execute();
}

/** Rows that may claim this carrier number now (by number, or as the provisioning that ordered it); a superset to filter. */
export function findClaimsOnNumber(db: Db, number: string, customerReference: string | null): Promise<ReconcileRow[]> {
  return db
    .selectFrom('phone_numbers')
    .select(['id', 'organization_id', 'number', 'status', 'workflow_id', 'carrier_number_id', 'carrier_released_at', 'carrier_missing_at'])
    .where((eb) =>
      eb.or([
        eb.and([eb('number', '=', number), eb('status', 'in', ['provisioning', 'active', 'paused'])]),
        eb.and([eb('number', '=', number), eb('status', '=', 'released'), eb('carrier_released_at', 'is', null)]),
        ...(customerReference ? [eb.and([eb('workflow_id', '=', customerReference), eb('status', '=', 'provisioning')])] : []),
      ]),
    )
    .execute();
}

/** Marks active or paused rows as missing at the carrier (the first sighting is kept); resolves the rows marked now or before. */
export async function flagCarrierMissing(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  await db
    .updateTable('phone_numbers')
    .set({ carrier_missing_at: sql`now()`, updated_at: sql`now()` })
    .where('id', 'in', ids)
    .where('status', 'in', ['active', 'paused'])
    .where('carrier_missing_at', 'is', null)
    .execute();
  const rows = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('id', 'in', ids)
    .where('status', 'in', ['active', 'paused'])
    .where('carrier_missing_at', 'is not', null)
    .execute();
  return rows.map((row) => row.id);
}

/** Clears the missing mark of rows whose number the carrier lists again. */
export async function clearCarrierMissing(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('phone_numbers')
    .set({ carrier_missing_at: null, updated_at: sql`now()` })
    .where('id', 'in', ids)
    .where('carrier_missing_at', 'is not', null)
    .execute();
}
