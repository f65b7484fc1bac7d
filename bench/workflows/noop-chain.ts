import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { NoopActivities } from '../noop-activities.js';

/** The provisioning workflow's row-write preset: the same timeout and retry shape, nothing else. */
const noopOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
} as const;

const remote = proxyActivities<NoopActivities>(noopOptions);
const local = proxyLocalActivities<NoopActivities>(noopOptions);

/**
 * The engine's ceiling: activities one after the other, each doing nothing, in the order `shape`
 * gives (`R` through the server, `L` local), as provisioning's history has them.
 */
export async function noopChain(shape: string): Promise<number> {
  for (const kind of shape) await (kind === 'L' ? local : remote).noop();
  return shape.length;
}
