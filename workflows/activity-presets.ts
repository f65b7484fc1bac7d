/** Activity option presets shared by more than one workflow. */

/** Row writes: short statements, retried through a database outage for as long as it lasts. */
export const databaseWrite = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
} as const;

/** Releasing a number at the carrier must not fail: retried until the carrier confirms (a 404 counts). */
export const carrierRelease = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
