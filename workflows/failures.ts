import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { failureTypes } from '../domain/failures.js';

/** The `type` of an application failure, whether thrown here or by an activity. */
export function failureType(error: unknown): string | null {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.type ?? null) : null;
}

/** The message of an application failure, whether thrown here or by an activity (for a carrier error, the carrier's own). */
export function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** A reservation failure (identity_not_found, identity_has_number, limit) as the workflow's own failure. */
export function reservationFailure(error: unknown): ApplicationFailure {
  return ApplicationFailure.nonRetryable(failureMessage(error), failureType(error) ?? failureTypes.carrierFailed);
}

/**
 * What provisioning ends with: `no_numbers_available` stays itself, everything else is
 * `carrier_provisioning_failed` with a sentence saying where it failed.
 */
export function provisioningFailure(error: unknown, step: string): ApplicationFailure {
  if (failureType(error) === failureTypes.noNumbersAvailable) {
    return ApplicationFailure.nonRetryable(failureMessage(error), failureTypes.noNumbersAvailable);
  }
  if (error instanceof ApplicationFailure && error.type === failureTypes.carrierFailed) return error;
  return ApplicationFailure.nonRetryable(`Provisioning failed while ${step.replace('_', ' ')}: ${failureMessage(error)}`, failureTypes.carrierFailed);
}
