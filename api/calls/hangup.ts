import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { findCall } from '../../db/repositories/calls.js';
import type { CallRow, Database } from '../../db/schema.js';
import { endedCallStatuses, hangupRequestedSignal } from '../../domain/calls.js';
import { ApiError } from '../errors/api-error.js';

const hasEnded = (row: CallRow) => (endedCallStatuses as readonly string[]).includes(row.status);

/**
 * Asks the call's workflow to hang up and resolves the row as it stands: the carrier confirms the
 * teardown later, so the status may still be live. An ended call, or one whose workflow is gone
 * (closed, or past retention), is 409 `call_ended`.
 */
export async function requestHangup(deps: { db: Kysely<Database>; temporal: Client }, row: CallRow): Promise<CallRow> {
  if (hasEnded(row)) throw new ApiError('call_ended');
  try {
    await deps.temporal.workflow.getHandle(row.workflow_id).signal(hangupRequestedSignal);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ApiError('call_ended');
    throw error;
  }
  return (await findCall(deps.db, row.id)) ?? row;
}
