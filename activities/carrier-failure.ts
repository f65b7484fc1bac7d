import { ApplicationFailure, log } from '@temporalio/activity';
import type { CarrierCallOptions } from '../carrier/carrier.js';
import { CarrierError } from '../carrier/errors.js';
import { activityCallOptions, cancellationOf, runningActivity, whileHeartbeating } from './activity-call-limits.js';

/** Failure type of a bought number the carrier does not show (or not as `active`) yet; always retried. */
export const numberNotReadyType = 'carrier_number_not_ready';

/** Counter of carrier errors met while releasing (attributes `error_type`, `operation`). */
export const releaseErrorsMetric = 'carrier_release_errors';

function retryableFailure(error: CarrierError): ApplicationFailure {
  return ApplicationFailure.create({
    message: error.message,
    type: error.type,
    nonRetryable: false,
    ...(error.details.retryAfterMs === undefined ? {} : { nextRetryDelay: error.details.retryAfterMs }),
  });
}

/**
 * Classifies a carrier error once, at the activity boundary: retryable errors go back to the retry
 * policy (honouring the carrier's Retry-After), permanent ones become non-retryable failures whose
 * `type` is the carrier error type.
 */
export function toActivityFailure(error: unknown): unknown {
  if (!(error instanceof CarrierError)) return error;
  if (error.retryable) return retryableFailure(error);
  return ApplicationFailure.nonRetryable(error.message, error.type);
}

/**
 * On the release side nothing is permanent: a revoked key, an account on hold or a refused delete is
 * retried until the carrier confirms, and made visible meanwhile (a warning with the carrier's status,
 * code and message, and a count in `carrier_release_errors`). The failure keeps the carrier's type.
 */
export function toReleaseFailure(error: unknown, operation: string): unknown {
  if (!(error instanceof CarrierError)) return error;
  noteReleaseError(operation, error.type, error.message, error.details);
  return retryableFailure(error);
}

/** Logs and counts a release step that did not go through (it is retried). */
export function noteReleaseError(operation: string, errorType: string, message: string, details: { status?: number; code?: string } = {}): void {
  log.warn('a release step did not go through at the carrier; retrying', { operation, errorType, status: details.status, code: details.code, message });
  runningActivity()
    ?.metricMeter.createCounter(releaseErrorsMetric, 'errors', 'Carrier errors met while releasing numbers; each is retried')
    .add(1, { error_type: errorType, operation });
}

/** What an activity throws for a carrier error: the activity's own cancellation if it was cancelled, else the classified error. */
export function activityFailureOf(error: unknown): unknown {
  return cancellationOf() ?? toActivityFailure(error);
}

async function run<T>(call: (options: CarrierCallOptions) => Promise<T>, classify: (error: unknown) => unknown): Promise<T> {
  try {
    return await whileHeartbeating(() => call(activityCallOptions()));
  } catch (error) {
    throw cancellationOf() ?? classify(error);
  }
}

/** Runs a carrier call inside the activity's limits and rethrows its error classified. */
export function carrierCall<T>(call: (options: CarrierCallOptions) => Promise<T>): Promise<T> {
  return run(call, toActivityFailure);
}

/** Runs a release-side carrier call: every error it throws is retryable, logged and counted. */
export function releaseCall<T>(operation: string, call: (options: CarrierCallOptions) => Promise<T>): Promise<T> {
  return run(call, (error) => toReleaseFailure(error, operation));
}
