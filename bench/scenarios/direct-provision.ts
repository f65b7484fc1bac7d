import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createCarrierActivities } from '../../activities/carrier-activities.js';
import { createDatabaseActivities } from '../../activities/database-activities.js';
import type { Carrier } from '../../carrier/carrier.js';
import { carrierErrorTypes } from '../../domain/carrier-failures.js';
import type { Database } from '../../db/schema.js';
import { workflowIds } from '../../domain/workflow-contract.js';
import type { Slot } from '../seed.js';

const maxCandidates = 3;

/**
 * The baseline: provisioning's happy path with no Temporal in between. The very activity functions the
 * worker runs (so the same repository calls, transaction and org lock, and the same carrier calls through
 * `createTelnyxCarrier`), called in the workflow's order in this process.
 */
export function createDirectProvisioner(deps: { db: Kysely<Database>; carrier: Carrier; orgNumberLimit: number; connectionId: string }) {
  // Provisioning's activities only: reconciliation's need a Temporal client this baseline has not got.
  const config = { ORG_NUMBER_LIMIT: deps.orgNumberLimit, TELNYX_CONNECTION_ID: deps.connectionId, DEPLOYMENT_ID: 'bench', CARRIER_LIST_LAG_MS: 45_000 };
  const activities = { ...createDatabaseActivities({ db: deps.db, config }), ...createCarrierActivities({ carrier: deps.carrier, config }) };

  return async function provisionDirectly(slot: Slot): Promise<void> {
    const workflowId = workflowIds.provision(slot.organizationId, randomUUID());
    const phoneNumberId = randomUUID();
    await activities.reserveNumber({
      workflowId,
      organizationId: slot.organizationId,
      phoneNumberId,
      agentHandle: slot.agentHandle,
      type: 'local',
      state: slot.state,
      callSettings: { incomingCallAction: 'auto_reject', clientWebsocketUrl: null, incomingCallWebhookUrl: null },
      orderDeadlineMs: 60_000,
    });
    const candidates = await activities.searchNumbers({ type: 'local', state: slot.state, limit: maxCandidates + 2 });
    let placed;
    for (const candidate of candidates.slice(0, maxCandidates)) {
      try {
        placed = await activities.placeOrder({ phoneNumber: candidate.phoneNumber, customerReference: workflowId });
        break;
      } catch (error) {
        if ((error as { type?: string }).type !== carrierErrorTypes.numberTaken) throw error;
      }
    }
    if (!placed) throw new Error('every candidate was taken');
    // The bench's sandbox completes orders instantly, so the workflow polls nothing either, and records the
    // number and the `configuring` step in one write (patch `completed-order-skips-awaiting`).
    if (placed.status !== 'success') throw new Error(`order ${placed.id} is ${placed.status}; the bench expects instant orders`);
    await activities.recordProvisioningStep({ phoneNumberId, workflowId, step: 'configuring', number: placed.phoneNumber, carrierOrderId: placed.id });
    const { carrierNumberId } = await activities.configureNumber({ phoneNumber: placed.phoneNumber, organizationId: slot.organizationId });
    await activities.registerNumber({ phoneNumberId, workflowId, number: placed.phoneNumber, carrierOrderId: placed.id, carrierNumberId });
  };
}
