import type { PhoneNumberRow } from '../../db/schema.js';
import { ApiError } from '../errors/api-error.js';

/** The answer a provisioning gave, read back from its row once it settled. */
export type SettledOutcome = { status: 201; row: PhoneNumberRow } | { error: ApiError };

/** How the search activity words `no_numbers_available` ("No toll-free numbers available in NY"). */
const noNumbersReason = /^No [a-z-]+ numbers available\b/;
/** How the workflow words a provisioning that a release cancelled. */
const cancelledReason = /^Provisioning was cancelled\b/;

function failedOutcome(row: PhoneNumberRow): ApiError {
  const reason = row.failure_reason ?? '';
  if (row.status === 'released' || cancelledReason.test(reason)) {
    return new ApiError('number_released', 'Provisioning was cancelled because the number was released', { workflowId: row.workflow_id });
  }
  if (noNumbersReason.test(reason)) return new ApiError('no_numbers_available');
  return new ApiError('carrier_provisioning_failed', undefined, { workflowId: row.workflow_id });
}

/**
 * What the first request for this row was answered, the same as the workflow's result would map to:
 * 201 with the number once it became active (also when it was paused or released since), the
 * provisioning's error when it failed. Undefined while it is still provisioning. Lets a retried
 * Idempotency-Key be answered after Temporal's retention has removed the workflow, without starting one.
 */
export function settledOutcome(row: PhoneNumberRow): SettledOutcome | undefined {
  if (row.status === 'provisioning') return undefined;
  // A released row that never completed was a provisioning cancelled by its release.
  const neverActive = row.status === 'failed' || (row.status === 'released' && row.provisioning_step === 'failed');
  return neverActive ? { error: failedOutcome(row) } : { status: 201, row };
}
