import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CallSettings, PhoneNumberType } from './phone-number.js';
import { sha256Hex } from './sha256-hex.js';

/** What the API hands a provisioning workflow. */
export interface ProvisionNumberInput {
  organizationId: string;
  /** Row id the reservation inserts; chosen by the caller so a 202 can point at it at once. */
  phoneNumberId: string;
  agentHandle: string;
  type: PhoneNumberType;
  state: string | null;
  callSettings: CallSettings;
  /** How long an order may stay pending at the carrier. */
  orderDeadlineMs: number;
  /** First wait between order status polls (doubling up to 5 minutes); default 1 s. A webhook signal wakes it early. */
  orderPollIntervalMs?: number;
}

export interface ProvisionNumberResult {
  phoneNumberId: string;
  number: string;
}

export interface ReleaseNumberInput {
  organizationId: string;
  phoneNumberId: string;
  /**
   * Looks at a still-provisioning row (or rounds of a refused carrier release) one run makes before it
   * continues as new with a fresh history; default 500. Tests set a small one.
   */
  maxPollsPerRun?: number;
  /** Set by a run that continued as new after cancelling the provisioning: the next run does not cancel again. */
  provisioningCancelled?: boolean;
}

/** Steps of provisioning, as `provisioning.step` and the progress query show them. */
export const provisioningSteps = [
  'reserving', 'searching', 'ordering', 'awaiting_completion', 'configuring', 'registering',
  'compensating', 'completed', 'failed',
] as const;
export type ProvisioningStep = (typeof provisioningSteps)[number];

export interface ProvisioningProgress {
  step: ProvisioningStep;
  phoneNumber: string | null;
  orderId: string | null;
  attempts: number;
}

/** The carrier's `number_order.complete` event, relayed by the webhook endpoint. */
export interface OrderCompletedSignal {
  orderId: string;
  status: 'pending' | 'success' | 'failure';
}

export const orderCompletedSignal = defineSignal<[OrderCompletedSignal]>('orderCompleted');
export const progressQuery = defineQuery<ProvisioningProgress>('progress');
/** Resolves once the reservation step settled: the row exists, or the workflow has failed. */
export const reservationUpdate = defineUpdate<{ phoneNumberId: string }>('reservation');
/** Resolves once a release workflow has marked the number released (or found it already was). */
export const releaseMarkedUpdate = defineUpdate<{ phoneNumberId: string }>('releaseMarked');

/** The server's `limit.maxIDLength` as docker/temporal/dynamicconfig.yaml sets it (Temporal's own default is larger). */
export const maxWorkflowIdLength = 255;

/** Workflow ids are business keys so a retried request finds the same execution. */
export const workflowIds = {
  /**
   * `provision/<org>/<key>`, or `provision/<org>/sha256-<hex of key>` when that would pass Temporal's
   * 255-character id limit (short keys keep their old id, so running executions still match).
   */
  provision: (organizationId: string, requestKey: string) => {
    const plain = `${workflowIds.provisionsOf(organizationId)}${requestKey}`;
    return plain.length <= maxWorkflowIdLength ? plain : `${workflowIds.provisionsOf(organizationId)}sha256-${sha256Hex(requestKey)}`;
  },
  /** What every provisioning id of the organization starts with (to pick its orders out of the carrier's list). */
  provisionsOf: (organizationId: string) => `provision/${organizationId}/`,
  release: (phoneNumberId: string) => `release/${phoneNumberId}`,
  /** `call/<call_control_id>`: a redelivered `call.initiated` joins the running execution. */
  call: (callControlId: string) => `call/${callControlId}`,
  watchPendingOrders: (phoneNumberId: string) => `watch-pending-orders/${phoneNumberId}`,
};

export const workflowTypes = { provision: 'provisionNumber', release: 'releaseNumber', reconcile: 'reconcileInventory' } as const;
