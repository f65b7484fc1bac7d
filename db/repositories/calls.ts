import { sql, type Kysely, type Transaction } from 'kysely';
import { endedCallStatuses } from '../../domain/calls.js';
import type { CallRow, CallUpdate, Database, NewCall } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Inserts the call, or finds the row a previous delivery (or attempt) inserted for the same
 * `call_control_id`: the result is that call's one row either way.
 */
export async function insertOrFindCall(db: Db, call: NewCall): Promise<CallRow> {
  const inserted = await db
    .insertInto('calls')
    .values(call)
    .onConflict((conflict) => conflict.column('call_control_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  return inserted ?? (await db.selectFrom('calls').selectAll().where('call_control_id', '=', call.call_control_id).executeTakeFirstOrThrow());
}

/** The call with this id in any organization (for workflow activities), or undefined. */
export function findCall(db: Db, callId: string): Promise<CallRow | undefined> {
  return db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
}

/** The organization's call with this id, or undefined (another organization's call is not found). */
export function findCallOfOrganization(db: Db, organizationId: string, callId: string): Promise<CallRow | undefined> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where('id', '=', callId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
}

/** The organization's calls, newest first. */
export function listCalls(db: Db, organizationId: string, page: { limit: number; offset: number }): Promise<CallRow[]> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/**
 * Writes the change to a call that has not ended; resolves the row as it now stands, or undefined when
 * the call had already ended (an ended call's row is final, so a late or replayed event cannot reopen it).
 */
export function updateLiveCall(db: Db, callId: string, change: Omit<CallUpdate, 'id' | 'updated_at'>): Promise<CallRow | undefined> {
  return db
    .updateTable('calls')
    .set({ ...change, updated_at: sql<Date>`now()` })
    .where('id', '=', callId)
    .where('status', 'not in', endedCallStatuses)
    .returningAll()
    .executeTakeFirst();
}
