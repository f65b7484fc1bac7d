import { ApplicationFailure, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Carrier } from '../carrier/carrier.js';
import { clearCarrierMissing, findClaimsOnNumber, flagCarrierMissing, listReconcileRows } from '../db/repositories/reconciliation.js';
import type { Database } from '../db/schema.js';
import { defaultRepairMinAgeMs, type FlaggedRow, type ReconcileInventoryInput, type ReleasedOrphan, type StuckRow } from '../domain/reconcile-contract.js';
import { carrierCall, releaseCall } from './carrier-failure.js';
import { claimsNumber, planReconciliation, type ReconcilePlan } from './reconcile-plan.js';
import { findStuckRows, repairStuckRow } from './stuck-rows.js';

export interface ReconcileActivityDeps {
  db: Kysely<Database>;
  carrier: Carrier;
  /** Asks whether the workflow behind a non-terminal row still runs. */
  temporal: Client;
}

/** Without a deployment and a connection the sweep cannot tell its numbers from anyone else's: it refuses to run. */
function assertScoped(input: ReconcileInventoryInput): void {
  if (!input.deploymentId || !input.connectionId || !Number.isInteger(input.maxReleases) || input.maxReleases < 0) {
    throw ApplicationFailure.nonRetryable('reconcileInventory needs deploymentId, connectionId and maxReleases in its input', 'reconcile_input_invalid');
  }
}

/** The reconciliation sweep's side effects: read both sides, release orphans, flag rows the carrier lost, repair stuck rows. */
export function createReconcileActivities({ db, carrier, temporal }: ReconcileActivityDeps) {
  return {
    /**
     * Reads the carrier first and the rows second: a provisioning that claims a number after the carrier
     * read is already visible in the row read, so nothing it is buying looks orphaned.
     */
    async planInventoryReconciliation(input: ReconcileInventoryInput): Promise<ReconcilePlan> {
      assertScoped(input);
      const owned = await carrierCall(() => carrier.listOwnedNumbers());
      const rows = await listReconcileRows(db, input.organizationIds);
      const plan = planReconciliation(owned, rows, { ...input, now: Date.now() });
      if (plan.overCap) {
        log.error('more orphaned numbers than RECONCILE_MAX_RELEASES: none released, an operator must look', {
          maxReleases: plan.overCap.maxReleases,
          orphans: plan.overCap.orphans.map((orphan) => orphan.phoneNumber),
          deploymentId: input.deploymentId,
        });
      }
      plan.stuck = await findStuckRows({ db, temporal }, {
        unchangedForMs: input.repairMinAgeMs ?? defaultRepairMinAgeMs,
        ...(input.organizationIds ? { organizationIds: input.organizationIds } : {}),
      });
      return plan;
    },

    /** Releases an orphan unless a row claimed it since the plan; a number already gone counts as released. */
    async releaseOrphanNumber(orphan: ReleasedOrphan): Promise<'released' | 'already_released' | 'claimed'> {
      const claims = (await findClaimsOnNumber(db, orphan.phoneNumber, orphan.customerReference)).filter((row) => claimsNumber(row, orphan));
      if (claims.length > 0) {
        log.info('orphan candidate was claimed since the plan; kept', { phoneNumber: orphan.phoneNumber, phoneNumberId: claims[0]?.id });
        return 'claimed';
      }
      const outcome = await releaseCall('number release', (options) => carrier.releaseNumber(orphan.carrierNumberId, options));
      log.warn('released a carrier number no row owns', { ...orphan, outcome });
      return outcome;
    },

    /**
     * Confirms each suspect with a lookup of its own (the list may have raced a purchase), marks the
     * confirmed rows `carrier_missing_at`, and clears the mark of rows the carrier lists again. Rows
     * keep their status: whether to release or re-buy is an operator's call. A dry run only confirms.
     */
    async flagNumbersMissingAtCarrier(input: { missing: FlaggedRow[]; recoveredIds: string[]; dryRun?: boolean }): Promise<FlaggedRow[]> {
      const confirmed: FlaggedRow[] = [];
      for (const row of input.missing) {
        const found = await carrierCall(() => carrier.findNumber(row.number));
        if (!found || found.status === 'deleted') confirmed.push(row);
      }
      if (input.dryRun) return confirmed;
      await clearCarrierMissing(db, input.recoveredIds);
      const marked = new Set(await flagCarrierMissing(db, confirmed.map((row) => row.phoneNumberId)));
      const flagged = confirmed.filter((row) => marked.has(row.phoneNumberId));
      for (const row of flagged) log.warn('a live number is missing at the carrier', { ...row });
      return flagged;
    },

    /** Brings a row whose workflow closed before settling it to its terminal state (see `repairStuckRow`). */
    async repairStuckRow(row: StuckRow): Promise<'repaired' | 'in_flight' | 'settled'> {
      const outcome = await repairStuckRow({ db, carrier, temporal }, row);
      if (outcome === 'repaired') log.warn('repaired a row its workflow left unsettled', { ...row });
      return outcome;
    },
  };
}
