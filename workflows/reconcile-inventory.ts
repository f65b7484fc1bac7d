import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';
import type { FlaggedRow, ReconcileInventoryInput, ReconcileReport, ReleasedOrphan, StuckRow } from '../domain/reconcile-contract.js';

/** Reading both sides: a few attempts; a run that cannot read fails and the next scheduled run starts afresh. */
const sweepRead = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
} as const;

/** Each release, flag or repair: bounded; what still fails is reported and found again by the next run. */
const sweepAction = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
} as const;

const reads = proxyActivities<Activities>(sweepRead);
const actions = proxyActivities<Activities>(sweepAction);

/**
 * Compares the carrier's numbers with the rows: releases this deployment's numbers that no row claims
 * once they are older than the grace period (none at all when there are more than `maxReleases`), flags
 * active or paused rows whose number the carrier lost, repairs rows whose workflow closed before settling
 * them, and returns what it did. Numbers a running provisioning or release still owns are never touched.
 * A dry run reports what it would do and changes nothing.
 *
 * No `patched()`: histories recorded before the cap, the dry run and the repairs replay the same commands,
 * because their input has no `dryRun` and their plan (read from history) has no `stuck` rows.
 */
export async function reconcileInventory(input: ReconcileInventoryInput): Promise<ReconcileReport> {
  const plan = await reads.planInventoryReconciliation(input);
  const stuck = plan.stuck ?? [];
  const found = {
    carrierNumbers: plan.carrierNumbers,
    liveRows: plan.liveRows,
    skippedInGrace: plan.skippedInGrace,
    ...(plan.overCap ? { overCap: plan.overCap } : {}),
  };
  if (plan.overCap) {
    log.error('more orphaned numbers than maxReleases: none released, an operator must look', {
      maxReleases: plan.overCap.maxReleases,
      orphans: plan.overCap.orphans.map((orphan) => orphan.phoneNumber),
    });
  }

  if (input.dryRun === true) {
    const wouldFlag = plan.missing.length > 0
      ? await actions.flagNumbersMissingAtCarrier({ missing: plan.missing, recoveredIds: plan.recoveredIds, dryRun: true })
      : [];
    const report: ReconcileReport = {
      ...found, released: [], flagged: [], skippedInFlight: plan.skippedInFlight, releaseFailed: [], recovered: 0, repaired: [], repairFailed: [],
      dryRun: { release: plan.orphans, flag: wouldFlag, recover: plan.recoveredIds.length, repair: stuck },
    };
    log.info('inventory reconciliation rehearsed (dry run): nothing changed', { ...summary(plan.orphans, wouldFlag, stuck), overCap: !!plan.overCap });
    return report;
  }

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

  const repaired: StuckRow[] = [];
  const repairFailed: string[] = [];
  for (const row of stuck) {
    try {
      if ((await actions.repairStuckRow(row)) === 'repaired') repaired.push(row);
    } catch (error) {
      log.error('could not repair a row its workflow left unsettled; the next run retries', { phoneNumberId: row.phoneNumberId, error: String(error) });
      repairFailed.push(row.phoneNumberId);
    }
  }

  const report: ReconcileReport = {
    ...found,
    released,
    flagged,
    skippedInFlight: plan.skippedInFlight + claimedMeanwhile,
    releaseFailed,
    recovered: plan.recoveredIds.length,
    repaired,
    repairFailed,
  };
  log.info('inventory reconciled', { ...report, ...summary(released, flagged, repaired), overCap: !!plan.overCap });
  return report;
}

/** The log line names numbers and rows, not whole objects. */
function summary(released: ReleasedOrphan[], flagged: FlaggedRow[], repaired: StuckRow[]) {
  return {
    released: released.map((orphan) => orphan.phoneNumber),
    flagged: flagged.map((row) => row.number),
    repaired: repaired.map((row) => row.phoneNumberId),
  };
}
