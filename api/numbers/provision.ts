import { randomUUID } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import { findIdempotencyKey, claimIdempotencyKey } from '../../db/repositories/idempotency-keys.js';
import { findIdentityByHandle } from '../../db/repositories/identities.js';
import { findPhoneNumberById } from '../../db/repositories/phone-numbers.js';
import type { Database, PhoneNumberRow } from '../../db/schema.js';
import { searchAttributes } from '../../domain/search-attributes.js';
import {
  reservationUpdate,
  workflowIds,
  workflowTypes,
  type ProvisionNumberInput,
} from '../../domain/workflow-contract.js';
import { ApiError } from '../errors/api-error.js';
import { isUnavailableError } from '../errors/classify-error.js';
import { unavailableRetryAfterSeconds } from '../errors/error-table.js';
import { stripAt } from '../shared-schemas.js';
import { withTimeLimit } from '../temporal-time-limit.js';
import { requestHash } from './request-hash.js';
import type { ProvisionNumberBody } from './schemas.js';
import { workflowFailureToApiError } from './workflow-failures.js';
import { provisionSummary } from './workflow-summaries.js';

export interface ProvisionDeps {
  db: Kysely<Database>;
  temporal: Client;
  config: Config;
}

export interface ProvisionRequest {
  organizationId: string;
  body: ProvisionNumberBody;
  idempotencyKey: string | undefined;
  respondAsync: boolean;
  /** Told the workflow id as soon as it is known (for the request's log lines). */
  onWorkflowId?: (workflowId: string) => void;
}

export interface ProvisionOutcome {
  status: 201 | 202;
  row: PhoneNumberRow;
}

/** The least time a request waits for the reservation step before calling Temporal unavailable. */
const minReservationWaitMs = 10_000;

function normalize(body: ProvisionNumberBody) {
  return {
    agentHandle: stripAt(body.agent_handle),
    type: body.type,
    state: body.state ? body.state.toUpperCase() : null,
    callSettings: {
      incomingCallAction: body.incoming_call_action,
      clientWebsocketUrl: body.client_websocket_url ?? null,
      incomingCallWebhookUrl: body.incoming_call_webhook_url ?? null,
    },
  };
}

type NormalizedRequest = ReturnType<typeof normalize>;

/**
 * The workflow and row ids of this request: those recorded under its Idempotency-Key (a retry joins
 * the first request), or fresh ones. The identity is checked before anything is written.
 */
async function resolveIds(deps: ProvisionDeps, request: ProvisionRequest, normalized: NormalizedRequest) {
  const { db } = deps;
  const { organizationId, idempotencyKey } = request;
  const hash = requestHash(normalized);
  const reused = () => new ApiError('idempotency_key_reused');
  if (idempotencyKey) {
    const existing = await findIdempotencyKey(db, organizationId, idempotencyKey);
    if (existing) {
      if (existing.request_hash !== hash) throw reused();
      return { workflowId: existing.workflow_id, phoneNumberId: existing.phone_number_id };
    }
  }
  const identity = await findIdentityByHandle(db, organizationId, normalized.agentHandle);
  if (!identity) {
    throw new ApiError('identity_not_found', `No agent identity "${normalized.agentHandle}" in your organization`);
  }
  const fresh = { workflowId: workflowIds.provision(organizationId, idempotencyKey ?? randomUUID()), phoneNumberId: randomUUID() };
  if (!idempotencyKey) return fresh;
  const claim = await claimIdempotencyKey(db, { organizationId, key: idempotencyKey, requestHash: hash, ...fresh });
  if (claim.request_hash !== hash) throw reused();
  return { workflowId: claim.workflow_id, phoneNumberId: claim.phone_number_id };
}

async function startOrAttach(deps: ProvisionDeps, workflowId: string, input: ProvisionNumberInput): Promise<WorkflowHandle> {
  const { temporal, config } = deps;
  try {
    return await temporal.workflow.start(workflowTypes.provision, {
      workflowId,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...provisionSummary(input),
      typedSearchAttributes: [
        { key: searchAttributes.organizationId, value: input.organizationId },
        { key: searchAttributes.agentHandle, value: input.agentHandle },
      ],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return temporal.workflow.getHandle(workflowId);
    throw error;
  }
}

function unavailable(workflowId: string): ApiError {
  return new ApiError('unavailable', 'Provisioning has not started yet; retry with the same Idempotency-Key', {
    workflowId,
    retryAfterSeconds: unavailableRetryAfterSeconds,
  });
}

/**
 * POST /numbers: starts (or joins) the provisioning workflow and answers 201 when it finished within
 * the wait budget, else 202 once the row exists. Workflow failures become their API errors.
 */
export async function provisionPhoneNumber(deps: ProvisionDeps, request: ProvisionRequest): Promise<ProvisionOutcome> {
  const { db, temporal, config } = deps;
  const normalized = normalize(request.body);
  const { workflowId, phoneNumberId } = await resolveIds(deps, request, normalized);
  request.onWorkflowId?.(workflowId);
  const input: ProvisionNumberInput = {
    organizationId: request.organizationId,
    phoneNumberId,
    ...normalized,
    orderDeadlineMs: config.ORDER_DEADLINE_MS,
  };
  const handle = await startOrAttach(deps, workflowId, input);

  const loadRow = async () => {
    const row = await findPhoneNumberById(db, phoneNumberId);
    if (!row) throw Object.assign(new ApiError('internal_error', undefined, { workflowId }), { cause: 'row missing after workflow step' });
    return row;
  };
  const asApiError = (error: unknown) => {
    if (error instanceof WorkflowFailedError || error instanceof WorkflowUpdateFailedError) {
      return (
        workflowFailureToApiError(error, workflowId, config.ORG_NUMBER_LIMIT) ??
        Object.assign(new ApiError('internal_error', undefined, { workflowId }), { cause: error })
      );
    }
    return error;
  };
  const waitForResult = async (ms: number) => {
    try {
      return (await withTimeLimit(temporal, ms, () => handle.result())).done;
    } catch (error) {
      throw asApiError(error);
    }
  };

  if (!request.respondAsync && (await waitForResult(config.PROVISION_WAIT_MS))) {
    return { status: 201, row: await loadRow() };
  }
  const reservationWaitMs = Math.max(minReservationWaitMs, config.PROVISION_WAIT_MS);
  try {
    const reserved = await withTimeLimit(temporal, reservationWaitMs, () => handle.executeUpdate(reservationUpdate));
    if (!reserved.done) throw unavailable(workflowId);
    return { status: 202, row: await loadRow() };
  } catch (error) {
    if (error instanceof ApiError || error instanceof WorkflowUpdateFailedError || isUnavailableError(error)) {
      throw asApiError(error);
    }
    // The workflow has closed, so it takes no update: its result tells the outcome.
    if (await waitForResult(reservationWaitMs)) return { status: 201, row: await loadRow() };
    throw unavailable(workflowId);
  }
}
