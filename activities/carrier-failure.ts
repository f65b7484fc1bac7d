import { ApplicationFailure } from '@temporalio/activity';
import { CarrierError } from '../carrier/errors.js';

/**
 * Classifies a carrier error once, at the activity boundary: retryable errors go back to the retry
 * policy (honouring the carrier's Retry-After), permanent ones become non-retryable failures whose
 * `type` is the carrier error type.
 */
export function toActivityFailure(error: unknown): unknown {
  if (!(error instanceof CarrierError)) return error;
  if (error.retryable) {
    return ApplicationFailure.create({
      message: error.message,
      type: error.type,
      ...(error.details.retryAfterMs === undefined ? {} : { nextRetryDelay: error.details.retryAfterMs }),
    });
  }
  return ApplicationFailure.nonRetryable(error.message, error.type);
}

/** Runs a carrier call and rethrows its error classified. */
export async function carrierCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toActivityFailure(error);
  }
}
