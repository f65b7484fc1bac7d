import { proxyActivities } from '@temporalio/workflow';
import type { NoopActivities } from '../noop-activities.js';

/** The provisioning workflow's row-write preset: the same timeout and retry shape, nothing else. */
const noopOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
} as const;

const { noop } = proxyActivities<NoopActivities>(noopOptions);

/** The engine's ceiling: `activityCount` activities one after the other, each doing nothing. */
export async function noopChain(activityCount: number): Promise<number> {
  for (let i = 0; i < activityCount; i += 1) await noop();
  return activityCount;
}
