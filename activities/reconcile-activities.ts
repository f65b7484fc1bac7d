import { log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Carrier } from '../carrier/carrier.js';
import { clearCarrierMissing, findClaimsOnNumber, flagCarrierMissing, listReconcileRows } from '../db/repositories/reconciliation.js';
import type { Database } from '../db/schema.js';
import type { FlaggedRow, ReconcileInventoryInput, ReleasedOrphan } from '../domain/reconcile-contract.js';
import { carrierCall } from './carrier-failure.js';
import { claimsNumber, planReconciliation, type ReconcilePlan } from './reconcile-plan.js';

export interface ReconcileActivityDeps {
  db: Kysely<Database>;
  carrier: Carrier;
}

/** The reconciliation sweep's side effects: read both sides, release orphans, flag rows the carrier lost. */
export function createReconcileActivities({ db, carrier }: ReconcileActivityDeps) {
  return {
    /**
     * Reads the carrier first and the rows second: a provisioning that claims a number after the carrier
     * read is already visible in the row read, so nothing it is buying looks orphaned.
     */
    async planInventoryReconciliation(input: ReconcileInventoryInput): Promise<ReconcilePlan> {
      const owned = await carrierCall(() => carrier.listOwnedNumbers());
      const rows = await listReconcileRows(db, input.organizationIds);
      return planReconciliation(owned, rows, { now: Date.now(), graceMs: input.graceMs, organizationIds: input.organizationIds });
    },

    /** Releases an orphan unless a row claimed it since the plan; a number already gone counts as released. */
    async releaseOrphanNumber(orphan: ReleasedOrphan): Promise<'released' | 'already_released' | 'claimed'> {
      const claims = (await findClaimsOnNumber(db, orphan.phoneNumber, orphan.customerReference)).filter((row) => claimsNumber(row, orphan));
      if (claims.length > 0) {
        log.info('orphan candidate was claimed since the plan; kept', { phoneNumber: orphan.phoneNumber, phoneNumberId: claims[0]?.id });
        return 'claimed';
      }
      const outcome = await carrierCall(() => carrier.releaseNumber(orphan.carrierNumberId));
      log.warn('released a carrier number no row owns', { ...orphan, outcome });
      return outcome;
    },

    /**
     * Confirms each suspect with a lookup of its own (the list may have raced a purchase), marks the
     * confirmed rows `carrier_missing_at`, and clears the mark of rows the carrier lists again. Rows
     * keep their status: whether to release or re-buy is an operator's call.
     */
    async flagNumbersMissingAtCarrier(input: { missing: FlaggedRow[]; recoveredIds: string[] }): Promise<FlaggedRow[]> {
      await clearCarrierMissing(db, input.recoveredIds);
      const confirmed: FlaggedRow[] = [];
      for (const row of input.missing) {
        const found = await carrierCall(() => carrier.findNumber(row.number));
        if (!found || found.status === 'deleted') confirmed.push(row);
      }
      const marked = new Set(await flagCarrierMissing(db, confirmed.map((row) => row.phoneNumberId)));
      const flagged = confirmed.filter((row) => marked.has(row.phoneNumberId));
      for (const row of flagged) log.warn('a live number is missing at the carrier', { ...row });
      return flagged;
    },
  };
}
