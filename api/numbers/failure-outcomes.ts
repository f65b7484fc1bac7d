import type { PhoneNumberRow } from '../../db/schema.js';
import { provisioningFailureTypes, type ProvisioningFailureType } from '../../domain/failures.js';
import { ApiError } from '../errors/api-error.js';
import { errorTable, type ErrorCode } from '../errors/error-table.js';

/**
 * The one table from why a provisioning failed to what a customer is told: the error its request is
 * answered with and the fixed sentence shown, as that error's `detail` and as the number's
 * `provisioning.error`. Never the row's `failure_reason`: that is raw text (the carrier's own words,
 * constraint names, watcher ids) for operators and logs only.
 */
export const failureOutcomes = {
  no_numbers_available: { error: 'no_numbers_available', detail: errorTable.no_numbers_available.detail },
  carrier_provisioning_failed: { error: 'carrier_provisioning_failed', detail: errorTable.carrier_provisioning_failed.detail },
  provisioning_cancelled: { error: 'number_released', detail: 'Provisioning was cancelled because the number was released' },
  // The workflow ended without settling the row (terminated, timed out) and reconciliation failed it.
  provisioning_interrupted: { error: 'carrier_provisioning_failed', detail: 'Provisioning stopped before it finished' },
} as const satisfies Record<ProvisioningFailureType, { error: ErrorCode; detail: string }>;

/** How the search activity worded `no_numbers_available` before the type was stored ("No toll-free numbers available in NY"). */
const noNumbersReason = /^No [a-z-]+ numbers available\b/;
/** How the workflow worded a provisioning that a release cancelled. */
const cancelledReason = /^Provisioning was cancelled\b/;
/** How reconciliation worded a provisioning row whose workflow ended without settling it. */
const interruptedReason = /; failed by reconciliation$/;

/**
 * Why this failed row failed: its stored type, or, for a row failed before migration 0004 stored one,
 * the type its reason's wording (or its release) tells. The only place that reads `failure_reason`'s wording.
 */
export function failureTypeOf(row: Pick<PhoneNumberRow, 'failure_type' | 'failure_reason' | 'status'>): ProvisioningFailureType {
  if (row.failure_type) return row.failure_type;
  const reason = row.failure_reason ?? '';
  // A released row that never became active was a provisioning cancelled by its release.
  if (row.status === 'released' || cancelledReason.test(reason)) return provisioningFailureTypes.cancelled;
  if (noNumbersReason.test(reason)) return provisioningFailureTypes.noNumbersAvailable;
  if (interruptedReason.test(reason)) return provisioningFailureTypes.interrupted;
  return provisioningFailureTypes.carrierFailed;
}

/** The API error a provisioning that failed this way answers; it names the workflow unless nothing was tried at the carrier. */
export function failureApiError(type: ProvisioningFailureType, workflowId: string): ApiError {
  const { error, detail } = failureOutcomes[type];
  return new ApiError(error, detail, type === provisioningFailureTypes.noNumbersAvailable ? {} : { workflowId });
}
