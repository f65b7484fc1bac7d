import { ApplicationFailure, log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import { failureTypes, isProvisioningFailureType, limitReachedMessage, provisioningSettledType } from '../domain/failures.js';
import type { PhoneNumberStatus } from '../domain/phone-number.js';
import type { ProvisionNumberInput, ProvisioningStep } from '../domain/workflow-contract.js';
import { findIdentityByHandle } from '../db/repositories/identities.js';
import { lockOrganization } from '../db/repositories/organizations.js';
import {
  activateProvisionedNumber,
  countLiveNumbers,
  failProvisioningNumber,
  findLiveNumberOfIdentity,
  findPhoneNumberById,
  insertPhoneNumber,
  markPhoneNumberReleased,
  recordCarrierRelease,
  updateProvisioningStep,
} from '../db/repositories/phone-numbers.js';
import type { Database, PhoneNumberRow } from '../db/schema.js';
import { nonRetryableOnConstraint } from './database-failure.js';

export interface DatabaseActivityDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'ORG_NUMBER_LIMIT'>;
}

/** What the release workflow needs to know about a number. */
export interface ReleaseTarget {
  status: PhoneNumberStatus | 'not_found';
  workflowId: string | null;
  number: string | null;
  carrierNumberId: string | null;
  carrierReleased: boolean;
}

function toReleaseTarget(row: PhoneNumberRow | undefined): ReleaseTarget {
  if (!row) return { status: 'not_found', workflowId: null, number: null, carrierNumberId: null, carrierReleased: false };
  return {
    status: row.status,
    workflowId: row.workflow_id,
    number: row.number,
    carrierNumberId: row.carrier_number_id,
    carrierReleased: row.carrier_released_at !== null,
  };
}

export function createDatabaseActivities({ db, config }: DatabaseActivityDeps) {
  return {
    /**
     * Takes one of the organization's slots in one transaction under the organization's row lock, so
     * concurrent reservations see each other. Idempotent: a retry finds its own row and succeeds while
     * it is still provisioning; a settled row fails `provisioning_settled`, so nothing is bought for it.
     */
    async reserveNumber(input: ProvisionNumberInput & { workflowId: string }): Promise<{ phoneNumberId: string }> {
      return nonRetryableOnConstraint(() => db.transaction().execute(async (trx) => {
        if (!(await lockOrganization(trx, input.organizationId))) {
          throw ApplicationFailure.nonRetryable('Organization not found', failureTypes.identityNotFound);
        }
        const existing = await findPhoneNumberById(trx, input.phoneNumberId);
        if (existing) {
          if (existing.workflow_id !== input.workflowId) {
            throw ApplicationFailure.nonRetryable('Phone number id belongs to another provisioning', 'phone_number_id_conflict');
          }
          // A new run under the old id (its first run passed retention) must not buy for a settled row.
          if (existing.status !== 'provisioning') {
            throw ApplicationFailure.nonRetryable(`This provisioning already settled as ${existing.status}`, provisioningSettledType);
          }
          return { phoneNumberId: existing.id };
        }
        const identity = await findIdentityByHandle(trx, input.organizationId, input.agentHandle);
        if (!identity) {
          throw ApplicationFailure.nonRetryable(`Identity '${input.agentHandle}' not found`, failureTypes.identityNotFound);
        }
        if (await findLiveNumberOfIdentity(trx, identity.id)) {
          throw ApplicationFailure.nonRetryable(`Identity '${input.agentHandle}' already has a phone number`, failureTypes.identityHasNumber);
        }
        const live = await countLiveNumbers(trx, input.organizationId);
        if (live >= config.ORG_NUMBER_LIMIT) {
          throw ApplicationFailure.nonRetryable(limitReachedMessage(config.ORG_NUMBER_LIMIT), failureTypes.limitReached);
        }
        await insertPhoneNumber(trx, {
          id: input.phoneNumberId,
          organization_id: input.organizationId,
          agent_identity_id: identity.id,
          type: input.type,
          state: input.state,
          status: 'provisioning',
          incoming_call_action: input.callSettings.incomingCallAction,
          client_websocket_url: input.callSettings.clientWebsocketUrl,
          incoming_call_webhook_url: input.callSettings.incomingCallWebhookUrl,
          workflow_id: input.workflowId,
          provisioning_step: 'searching',
        });
        return { phoneNumberId: input.phoneNumberId };
      }));
    },

    /** Mirrors the workflow's step (and, once ordered, the number and order id) on the row. */
    async recordProvisioningStep(input: {
      phoneNumberId: string;
      workflowId: string;
      step: ProvisioningStep;
      number?: string;
      carrierOrderId?: string;
    }): Promise<void> {
      const { phoneNumberId, workflowId, ...fields } = input;
      // A compensating row gives its number up at once: a failed order puts the number back on sale,
      // and another provisioning must be able to record it as live.
      const step = fields.step === 'compensating' ? { ...fields, number: null } : fields;
      await nonRetryableOnConstraint(() => updateProvisioningStep(db, phoneNumberId, workflowId, step));
    },

    /**
     * provisioning → active with the carrier's ids; the identity was linked and the call settings
     * stored at reservation. Idempotent: a retry after a lost answer finds the row active.
     */
    async registerNumber(input: {
      phoneNumberId: string;
      workflowId: string;
      number: string;
      carrierOrderId: string;
      carrierNumberId: string;
      state?: string | null;
    }): Promise<void> {
      const { phoneNumberId, workflowId, ...fields } = input;
      if (!(await nonRetryableOnConstraint(() => activateProvisionedNumber(db, phoneNumberId, workflowId, fields)))) {
        throw ApplicationFailure.nonRetryable('The number row left provisioning before registration', 'registration_conflict');
      }
    },

    /**
     * provisioning → failed; frees the slot. Idempotent. `failureType` is what customers are told (a
     * fixed sentence per type); `reason` is the raw text (the carrier's words, constraint names, watcher
     * ids), kept on the row and logged for operators only. A task scheduled by a workflow from before
     * the type was passed has none: the row's type stays null and the API reads the reason's wording.
     */
    async failProvisioning(input: { phoneNumberId: string; workflowId: string; reason: string; failureType?: string | null }): Promise<void> {
      const type = isProvisioningFailureType(input.failureType) ? input.failureType : null;
      log.warn('provisioning failed', { phoneNumberId: input.phoneNumberId, failureType: type, reason: input.reason });
      await failProvisioningNumber(db, input.phoneNumberId, input.workflowId, { type, reason: input.reason });
    },

    /** Marks an active or paused number released and unlinked (with `fromFailed`, a cancelled provisioning too). */
    async markReleased(input: { phoneNumberId: string; fromFailed?: boolean }): Promise<ReleaseTarget> {
      return toReleaseTarget(await markPhoneNumberReleased(db, input.phoneNumberId, { fromFailed: input.fromFailed ?? false }));
    },

    async readReleaseTarget(phoneNumberId: string): Promise<ReleaseTarget> {
      return toReleaseTarget(await findPhoneNumberById(db, phoneNumberId));
    },

    async recordCarrierReleased(phoneNumberId: string): Promise<void> {
      await recordCarrierRelease(db, phoneNumberId);
    },
  };
}
