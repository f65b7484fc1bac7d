import { isCancellation, log, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { carrierReleaseStates, searchAttributes } from '../domain/search-attributes.js';
import { failureMessage, failureType } from './failures.js';

/** Patch id: a carrier release refused past its first budget is reported and retried until confirmed, never failed. */
export const releaseRetriesUntilConfirmedPatch = 'release-retries-until-confirmed';

/** The longest pause between two rounds when a release activity itself gives up (a non-retryable failure). */
const maxRoundPauseMs = 10 * 60_000;

/**
 * Makes a release the carrier keeps refusing visible: an error log with the carrier's type and message,
 * and `CarrierRelease = retrying` on this workflow, which the Web UI can filter on.
 */
export function reportReleaseRefused(error: unknown, context: Record<string, unknown>): void {
  log.error('the carrier refused a release past its first budget; retrying until it confirms', {
    ...context,
    errorType: failureType(error),
    error: failureMessage(error),
  });
  upsertSearchAttributes([{ key: searchAttributes.carrierRelease, value: carrierReleaseStates.retrying }]);
}

/** Ends what `reportReleaseRefused` showed: `CarrierRelease = released`. */
export function reportReleaseConfirmed(context: Record<string, unknown>): void {
  log.info('the carrier confirmed a release it had refused', context);
  upsertSearchAttributes([{ key: searchAttributes.carrierRelease, value: carrierReleaseStates.released }]);
}

/**
 * Calls `attempt` (an activity under the unbounded `carrierRelease` preset, whose retries add no
 * history) until it succeeds. Should the activity itself give up (a non-retryable failure), it is
 * called again after a pause doubling up to 10 minutes, at most `maxRounds` times: past them this
 * resolves `undefined`, so the caller continues as new with a fresh history instead of growing this one.
 */
export async function retryUntilConfirmed<T>(
  attempt: () => Promise<T>,
  context: Record<string, unknown>,
  maxRounds: number,
): Promise<{ value: T } | undefined> {
  let pauseMs = 1000;
  for (let round = 1; round <= maxRounds; round += 1) {
    try {
      return { value: await attempt() };
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.error('a release activity gave up; trying again', { ...context, round, errorType: failureType(error), error: failureMessage(error) });
      await sleep(pauseMs);
      pauseMs = Math.min(pauseMs * 2, maxRoundPauseMs);
    }
  }
  return undefined;
}
