import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Carrier } from '../carrier/carrier.js';
import { findPhoneNumberById, failProvisioningNumber, recordCarrierRelease } from '../db/repositories/phone-numbers.js';
import { listStuckCandidates } from '../db/repositories/reconciliation.js';
import type { Database } from '../db/schema.js';
import { provisioningFailureTypes } from '../domain/failures.js';
import type { StuckRow } from '../domain/reconcile-contract.js';
import { workflowIds } from '../domain/workflow-contract.js';
import { releaseCall } from './carrier-failure.js';
import { closedWorkflowStatus } from './workflow-state.js';

interface StuckRowDeps {
  db: Kysely<Database>;
  carrier: Carrier;
  temporal: Client;
}

/**
 * Rows unchanged for `unchangedForMs` whose workflow has closed, or is gone after retention, while they
 * are not terminal: a provisioning row (its provisioning workflow ended without settling it) or a
 * released row whose carrier release its release workflow never confirmed. A running workflow keeps its row.
 */
export async function findStuckRows(
  { db, temporal }: Omit<StuckRowDeps, 'carrier'>,
  options: { unchangedForMs: number; organizationIds?: readonly string[] },
): Promise<StuckRow[]> {
  const stuck: StuckRow[] = [];
  for (const row of await listStuckCandidates(db, options)) {
    if (row.status !== 'provisioning' && row.status !== 'released') continue;
    const workflowId = row.status === 'provisioning' ? row.workflow_id : workflowIds.release(row.id);
    const workflowStatus = await closedWorkflowStatus(temporal, workflowId);
    if (workflowStatus === null) continue;
    stuck.push({
      phoneNumberId: row.id, organizationId: row.organization_id, status: row.status, workflowId, workflowStatus,
      number: row.number, carrierNumberId: row.carrier_number_id,
    });
  }
  return stuck;
}

/**
 * Brings a stuck row to its terminal state: fails a provisioning row (its number, if it bought and
 * tagged one, becomes an orphan for a later sweep), or finishes a release at the carrier (a number the
 * carrier no longer has counts as released) and records it. The workflow is asked again first: one
 * started since the plan owns the row. Resolves what happened.
 */
export async function repairStuckRow({ db, carrier, temporal }: StuckRowDeps, row: StuckRow): Promise<'repaired' | 'in_flight' | 'settled'> {
  if ((await closedWorkflowStatus(temporal, row.workflowId)) === null) return 'in_flight';
  if (row.status === 'provisioning') {
    const reason = `provisioning workflow ${row.workflowId} ended (${row.workflowStatus}) without settling the number; failed by reconciliation`;
    await failProvisioningNumber(db, row.phoneNumberId, row.workflowId, { type: provisioningFailureTypes.interrupted, reason });
    const after = await findPhoneNumberById(db, row.phoneNumberId);
    return after?.status === 'failed' && after.failure_reason === reason ? 'repaired' : 'settled';
  }
  if (!row.carrierNumberId) return 'settled';
  const carrierNumberId = row.carrierNumberId;
  await releaseCall('number release', (options) => carrier.releaseNumber(carrierNumberId, options));
  await recordCarrierRelease(db, row.phoneNumberId);
  return 'repaired';
}
