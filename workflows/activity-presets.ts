/** Activity option presets shared by more than one workflow. */

/** Row reads and writes: short statements, retried through a database outage for as long as it lasts. */
export const rowStatement = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
} as const;

/**
 * How long a carrier activity may go without a heartbeat: the carrier activities heartbeat more often
 * than this, so a cancelled workflow reaches the running HTTP call within it.
 */
export const carrierHeartbeatTimeout = '10 seconds';

/**
 * Releasing a number at the carrier must not fail: retried until the carrier confirms (a 404 counts),
 * with capped backoff. The release-side activities throw every other carrier error as retryable.
 */
export const carrierRelease = {
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: carrierHeartbeatTimeout,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

/**
 * A release's first budget (about 15 s of retries): past it the release is reported as stuck
 * (`CarrierRelease = retrying`, an error log with the carrier's message) and goes on under `carrierRelease`.
 */
export const carrierReleaseFirstBudget = {
  ...carrierRelease,
  retry: { ...carrierRelease.retry, maximumAttempts: 5 },
} as const;
