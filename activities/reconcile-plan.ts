import type { OwnedNumber } from '../carrier/carrier.js';
import type { ReconcileRow } from '../db/repositories/reconciliation.js';
import { deploymentTag, taggedOrganization } from '../domain/carrier-tags.js';
import type { FlaggedRow, ReleasedOrphan, StuckRow } from '../domain/reconcile-contract.js';

/** What a sweep found, before it acts. */
export interface ReconcilePlan {
  carrierNumbers: number;
  liveRows: number;
  /** This deployment's carrier numbers that no row claims and that are older than the grace period; empty when over the cap. */
  orphans: ReleasedOrphan[];
  /** Set instead of `orphans` when there are more than `maxReleases` of them. */
  overCap?: { maxReleases: number; orphans: ReleasedOrphan[] };
  /** Active or paused rows whose number the carrier did not list; confirmed one by one before flagging. */
  missing: FlaggedRow[];
  /** Rows flagged earlier whose number the carrier lists again. */
  recoveredIds: string[];
  /** Rows whose workflow closed before they reached a terminal state. */
  stuck?: StuckRow[];
  skippedInGrace: number;
  skippedInFlight: number;
}

/** Whose numbers a sweep may touch. */
export interface ReconcileScope {
  deploymentId: string;
  connectionId: string;
}

/**
 * Only numbers this deployment configured are its business: they carry its deployment tag AND sit on its
 * connection. Anything else on the account (another deployment sharing it, an operator's number) is left
 * alone. A number bought but never configured carries no tag, so it is not reconciliation's: the
 * provisioning that bought it releases it in its own compensation (and its pending-order watcher).
 */
export function isDeploymentNumber(number: OwnedNumber, scope: ReconcileScope): boolean {
  return number.tags.includes(deploymentTag(scope.deploymentId)) && number.connectionId === scope.connectionId;
}

/**
 * A row that keeps a carrier number: its live owner, a release workflow still releasing it at the carrier
 * (it has the carrier id and no confirmation yet), or the provisioning that ordered it.
 */
export function claimsNumber(row: ReconcileRow, number: Pick<OwnedNumber, 'phoneNumber' | 'customerReference'>): boolean {
  if (row.status === 'provisioning' && row.workflow_id === number.customerReference) return true;
  if (row.number !== number.phoneNumber) return false;
  if (row.status === 'released') return row.carrier_number_id !== null && row.carrier_released_at === null;
  return row.status !== 'failed';
}

const isOwning = (row: ReconcileRow) => row.status === 'active' || row.status === 'paused';

/** Compares the carrier's list with the rows; pure, so the rules are testable without either. */
export function planReconciliation(
  owned: OwnedNumber[],
  rows: ReconcileRow[],
  options: ReconcileScope & { now: number; graceMs: number; maxReleases: number; organizationIds?: readonly string[] },
): ReconcilePlan {
  const present = owned.filter((number) => number.status !== 'deleted');
  const inScope = (number: OwnedNumber) => {
    if (!options.organizationIds) return true;
    const organization = taggedOrganization(number.tags);
    return organization !== null && options.organizationIds.includes(organization);
  };
  const ours = present.filter((number) => isDeploymentNumber(number, options) && inScope(number));
  const plan: ReconcilePlan = { carrierNumbers: ours.length, liveRows: 0, orphans: [], missing: [], recoveredIds: [], skippedInGrace: 0, skippedInFlight: 0 };

  for (const number of ours) {
    const claims = rows.filter((row) => claimsNumber(row, number));
    if (claims.some(isOwning)) continue;
    if (claims.length > 0) {
      plan.skippedInFlight += 1;
      continue;
    }
    const age = options.now - Date.parse(number.createdAt);
    // An unknown age is treated as young: never release what cannot be shown to be old.
    if (!(age >= options.graceMs)) {
      plan.skippedInGrace += 1;
      continue;
    }
    plan.orphans.push({ phoneNumber: number.phoneNumber, carrierNumberId: number.id, customerReference: number.customerReference });
  }
  // A mass of orphans at once is a symptom (a wrong database, a wrong deployment id), not a clean-up: release none.
  if (plan.orphans.length > options.maxReleases) {
    plan.overCap = { maxReleases: options.maxReleases, orphans: plan.orphans };
    plan.orphans = [];
  }

  const listed = new Set(present.map((number) => number.phoneNumber));
  for (const row of rows) {
    if (!isOwning(row) || row.number === null) continue;
    plan.liveRows += 1;
    if (!listed.has(row.number)) plan.missing.push({ phoneNumberId: row.id, organizationId: row.organization_id, number: row.number });
    else if (row.carrier_missing_at !== null) plan.recoveredIds.push(row.id);
  }
  return plan;
}
