import type { OwnedNumber } from '../carrier/carrier.js';
import type { ReconcileRow } from '../db/repositories/reconciliation.js';
import {
  carrierNumberOrganization,
  provisionReferencePrefix,
  type FlaggedRow,
  type ReleasedOrphan,
} from '../domain/reconcile-contract.js';
import { serviceTag } from './carrier-activities.js';

/** What a sweep found, before it acts. */
export interface ReconcilePlan {
  carrierNumbers: number;
  liveRows: number;
  /** Carrier numbers of this service that no row claims and that are older than the grace period. */
  orphans: ReleasedOrphan[];
  /** Active or paused rows whose number the carrier did not list; confirmed one by one before flagging. */
  missing: FlaggedRow[];
  /** Rows flagged earlier whose number the carrier lists again. */
  recoveredIds: string[];
  skippedInGrace: number;
  skippedInFlight: number;
}

/** Only numbers this service bought or configured are its business; anything else on the account is left alone. */
export function isServiceNumber(number: OwnedNumber): boolean {
  return number.tags.includes(serviceTag) || (number.customerReference?.startsWith(provisionReferencePrefix) ?? false);
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
  options: { now: number; graceMs: number; organizationIds?: readonly string[] },
): ReconcilePlan {
  const present = owned.filter((number) => number.status !== 'deleted');
  const inScope = (number: OwnedNumber) => {
    if (!options.organizationIds) return true;
    const organization = carrierNumberOrganization(number.customerReference, number.tags);
    return organization !== null && options.organizationIds.includes(organization);
  };
  const ours = present.filter((number) => isServiceNumber(number) && inScope(number));
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

  const listed = new Set(present.map((number) => number.phoneNumber));
  for (const row of rows) {
    if (!isOwning(row) || row.number === null) continue;
    plan.liveRows += 1;
    if (!listed.has(row.number)) plan.missing.push({ phoneNumberId: row.id, organizationId: row.organization_id, number: row.number });
    else if (row.carrier_missing_at !== null) plan.recoveredIds.push(row.id);
  }
  return plan;
}
