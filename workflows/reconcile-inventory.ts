import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';
import type { ReconcileInventoryInput, ReconcileReport, ReleasedOrphan } from '../domain/reconcile-contract.js';

/** Reading both sides: a few attempts; a run that cannot read fails and the next scheduled run starts afresh. */
const sweepRead = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
} as const;

/** Each release or flag: bounded; what still fails is reported and found again by the next run. */
const sweepAction = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
} as const;

const reads = proxyActivities<Activities>(sweepRead);
const actions = proxyActivities<Activities>(sweepAction);

/**
 * Compares the carrier's numbers with the rows: releases numbers of this service that no row claims once
 * they are older than the grace period, flags active or paused rows whose number the carrier lost, and
 * returns what it did. Numbers a running provisioning or release still owns are never touched.
 */
export async function reconcileInventory(input: ReconcileInventoryInput): Promise<ReconcileReport> {
  const plan = await reads.planInventoryReconciliation(input);

  const released: ReleasedOrphan[] = [];
  const releaseFailed: string[] = [];
  let claimedMeanwhile = 0;
  for (const orphan of plan.orphans) {
    try {
      const outcome = await actions.releaseOrphanNumber(orphan);
      if (outcome === 'claimed') claimedMeanwhile += 1;
      else released.push(orphan);
    } catch (error) {
      log.error('could not release an orphaned number; the next run retries', { phoneNumber: orphan.phoneNumber, error: String(error) });
      releaseFailed.push(orphan.phoneNumber);
    }
  }

  const flagged = plan.missing.length > 0 || plan.recoveredIds.length > 0
    ? await actions.flagNumbersMissingAtCarrier({ missing: plan.missing, recoveredIds: plan.recoveredIds })
    : [];

  const report: ReconcileReport = {
    carrierNumbers: plan.carrierNumbers,
    liveRows: plan.liveRows,
    released,
    flagged,
    skippedInGrace: plan.skippedInGrace,
    skippedInFlight: plan.skippedInFlight + claimedMeanwhile,
    releaseFailed,
    recovered: plan.recoveredIds.length,
  };
  log.info('inventory reconciled', {
    ...report,
    released: released.map((orphan) => orphan.phoneNumber),
    flagged: flagged.map((row) => row.number),
  });
  return report;
}
