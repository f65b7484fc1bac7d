import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';
import { carrierRelease } from './activity-presets.js';
import { releaseWhatWasBought } from './compensation.js';

const releases = proxyActivities<Activities>(carrierRelease);

/** The longest pause between two looks at an order that is still pending. */
const maxPollIntervalMs = 60 * 60_000;

/**
 * Outlives a provisioning that gave up waiting for a pending order: watches the orders placed under
 * that provisioning's id until none is pending, releasing whatever they bought. An order that settles
 * days later can therefore never leave a number bought and owned by nobody.
 */
export async function watchPendingOrders(customerReference: string): Promise<void> {
  await releaseWhatWasBought(customerReference, {
    maxWaitMs: Number.POSITIVE_INFINITY,
    maxPollIntervalMs,
    releaseOrderedNumbers: (reference) =>
      releases.releaseOrderedNumbers.executeWithOptions({ summary: 'Release what the pending orders bought' }, [reference]),
  });
}
