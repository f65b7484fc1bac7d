import type { PhoneNumberRow } from '../../db/schema.js';
import type { ApiError } from '../errors/api-error.js';
import { failureApiError, failureTypeOf } from './failure-outcomes.js';

/** The answer a provisioning gave, read back from its row once it settled. */
export type SettledOutcome = { status: 201; row: PhoneNumberRow } | { error: ApiError };

/**
 * What the first request for this row was answered, the same as the workflow's result would map to:
 * 201 with the number once it became active (also when it was paused or released since), the
 * provisioning's error when it failed (by its failure type, never its raw reason). Undefined while it
 * is still provisioning. Lets a retried Idempotency-Key be answered after Temporal's retention has
 * removed the workflow, without starting one.
 */
export function settledOutcome(row: PhoneNumberRow): SettledOutcome | undefined {
  if (row.status === 'provisioning') return undefined;
  // A released row that never completed was a provisioning cancelled by its release.
  const neverActive = row.status === 'failed' || (row.status === 'released' && row.provisioning_step === 'failed');
  return neverActive ? { error: failureApiError(failureTypeOf(row), row.workflow_id) } : { status: 201, row };
}
