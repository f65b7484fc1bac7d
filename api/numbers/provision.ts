import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import { findPhoneNumberById } from '../../db/repositories/phone-numbers.js';
import type { Database, PhoneNumberRow } from '../../db/schema.js';
import { searchAttributes } from '../../domain/search-attributes.js';
import { reservationUpdate, workflowTypes, type ProvisionNumberInput } from '../../domain/workflow-contract.js';
import { ApiError } from '../errors/api-error.js';
import { isInvalidArgumentError, isUnavailableError } from '../errors/to-api-error.js';
import { unavailableRetryAfterSeconds } from '../errors/error-table.js';
import { withTimeLimit } from '../temporal-time-limit.js';
import { normalizeProvisionBody } from './normalized-request.js';
import { refusedStart, resolveRequestIds } from './request-ids.js';
import type { ProvisionNumberBody } from './schemas.js';
import { settledOutcome, type SettledOutcome } from './settled-outcome.js';
import { isSettledFailure, workflowFailureToApiError } from './workflow-failures.js';
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

async function startOrAttach(
  deps: ProvisionDeps,
  request: ProvisionRequest,
  workflowId: string,
  input: ProvisionNumberInput,
): Promise<WorkflowHandle> {
  const { db, temporal, config } = deps;
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
    if (isInvalidArgumentError(error)) throw await refusedStart(db, request.organizationId, request.idempotencyKey, workflowId, error);
    throw error;
  }
}

function unavailable(workflowId: string): ApiError {
  return new ApiError('unavailable', 'Provisioning has not started yet; retry with the same Idempotency-Key', {
    workflowId,
    retryAfterSeconds: unavailableRetryAfterSeconds,
  });
}

/** The first request's answer, read from its settled row: 201 with the row, or the error thrown. */
function answerFrom(outcome: SettledOutcome): ProvisionOutcome {
  if ('error' in outcome) throw outcome.error;
  return outcome;
}

/** Waits for the joined workflow: 201 when it finished within the wait budget, else 202 once the row exists. */
async function awaitOutcome(
  deps: ProvisionDeps,
  request: ProvisionRequest,
  handle: WorkflowHandle,
  loadRow: () => Promise<PhoneNumberRow>,
): Promise<ProvisionOutcome> {
  const { temporal, config } = deps;
  const { workflowId } = handle;
  const asApiError = (error: unknown) => {
    if (isSettledFailure(error)) return error;
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

/**
 * POST /numbers: starts (or joins) the provisioning workflow and answers 201 when it finished within
 * the wait budget, else 202 once the row exists. Workflow failures become their API errors. A retried
 * Idempotency-Key whose provisioning settled is answered from its row, without starting anything:
 * its workflow may be gone (retention), and a new run must not buy for it.
 */
export async function provisionPhoneNumber(deps: ProvisionDeps, request: ProvisionRequest): Promise<ProvisionOutcome> {
  const { db, config } = deps;
  const normalized = normalizeProvisionBody(request.body);
  const { workflowId, phoneNumberId, claimedBefore } = await resolveRequestIds(db, request.organizationId, request.idempotencyKey, normalized);
  request.onWorkflowId?.(workflowId);
  const loadRow = async () => {
    const row = await findPhoneNumberById(db, phoneNumberId);
    if (!row) throw Object.assign(new ApiError('internal_error', undefined, { workflowId }), { cause: 'row missing after workflow step' });
    return row;
  };
  if (claimedBefore) {
    const row = await findPhoneNumberById(db, phoneNumberId);
    const settled = row && settledOutcome(row);
    if (settled) return answerFrom(settled);
  }
  const input: ProvisionNumberInput = {
    organizationId: request.organizationId,
    phoneNumberId,
    ...normalized,
    orderDeadlineMs: config.ORDER_DEADLINE_MS,
  };
  const handle = await startOrAttach(deps, request, workflowId, input);
  try {
    return await awaitOutcome(deps, request, handle, loadRow);
  } catch (error) {
    // A new run under the old id found the row settled (it raced the check above): the row tells.
    if (!isSettledFailure(error)) throw error;
    const settled = settledOutcome(await loadRow());
    if (!settled) throw error;
    return answerFrom(settled);
  }
}
