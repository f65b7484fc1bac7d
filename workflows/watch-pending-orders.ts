import { continueAsNew, isCancellation, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';
import { carrierRelease, carrierReleaseFirstBudget } from './activity-presets.js';
import { releaseRetriesUntilConfirmedPatch, reportReleaseConfirmed, reportReleaseRefused, retryUntilConfirmed } from './carrier-release.js';

const releases = proxyActivities<Activities>(carrierReleaseFirstBudget);
const persistentReleases = proxyActivities<Activities>(carrierRelease);

/** The longest pause between two looks at an order that is still pending. */
const maxPollIntervalMs = 60 * 60_000;
/** 100 rounds of about 11 events: a run's history stays near 1,100 events, then continues as new. */
const defaultMaxRoundsPerRun = 100;
/** Patch id: the watcher continues as new every `maxRoundsPerRun` rounds. */
const watcherContinuesAsNewPatch = 'watcher-continues-as-new';

/** What a watcher is handed, or carries into its next run. */
export interface WatchPendingOrdersOptions {
  /** Rounds (release what was bought, pause) one run makes before continuing as new; default 100. */
  maxRoundsPerRun?: number;
  /** The next pause between two looks, carried into the next run. */
  nextPollIntervalMs?: number;
  /**
   * The carrier's error, when compensation handed over a release the carrier refused: the watcher
   * shows it at once (`CarrierRelease = retrying`) and retries until the carrier confirms.
   */
  releaseRefused?: string;
}

/**
 * Outlives a provisioning that gave up waiting for a pending order, or whose release the carrier
 * refused: releases the numbers of the orders placed under that provisioning's id until none is
 * pending, retrying every refusal until the carrier confirms. So a number can never be left bought
 * and owned by nobody, and one stuck at the carrier stays visible (`CarrierRelease = retrying`).
 * Continues as new every `maxRoundsPerRun` rounds, so its history stays bounded however long it watches.
 */
export async function watchPendingOrders(customerReference: string, options: WatchPendingOrdersOptions = {}): Promise<void> {
  const maxRounds = options.maxRoundsPerRun ?? defaultMaxRoundsPerRun;
  const context = { customerReference };
  let refused = options.releaseRefused !== undefined;
  if (options.releaseRefused !== undefined) reportReleaseRefused(new Error(options.releaseRefused), context);

  const continueWithFreshHistory = (nextPollIntervalMs: number) =>
    continueAsNew<typeof watchPendingOrders>(customerReference, {
      ...options,
      nextPollIntervalMs,
      releaseRefused: refused ? (options.releaseRefused ?? 'the carrier refused the release') : undefined,
    });

  /** One look: releases what was bought, resolves how many orders are still pending. */
  async function releaseRound(nextPollIntervalMs: number): Promise<number> {
    if (!refused) {
      try {
        const { pendingOrders } = await releases.releaseOrderedNumbers.executeWithOptions({ summary: 'Release what the pending orders bought' }, [customerReference]);
        return pendingOrders;
      } catch (error) {
        if (isCancellation(error) || !patched(releaseRetriesUntilConfirmedPatch)) throw error;
        refused = true;
        reportReleaseRefused(error, context);
      }
    }
    const confirmed = await retryUntilConfirmed(
      () => persistentReleases.releaseOrderedNumbers.executeWithOptions({ summary: 'Release what the orders bought (retrying until confirmed)' }, [customerReference]),
      context,
      maxRounds,
    );
    if (!confirmed) return continueWithFreshHistory(nextPollIntervalMs);
    refused = false;
    reportReleaseConfirmed(context);
    return confirmed.value.pendingOrders;
  }

  let delay = options.nextPollIntervalMs ?? 1000;
  for (let round = 1; ; round += 1) {
    if ((await releaseRound(delay)) === 0) return;
    if (round >= maxRounds && patched(watcherContinuesAsNewPatch)) await continueWithFreshHistory(delay);
    await sleep(delay);
    delay = Math.min(delay * 2, maxPollIntervalMs);
  }
}
