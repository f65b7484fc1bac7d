import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Config } from '../../config/config.js';
import type { PhoneNumberRow } from '../../db/schema.js';
import { searchAttributes } from '../../domain/search-attributes.js';
import { releaseMarkedUpdate, workflowIds, workflowTypes, type ReleaseNumberInput } from '../../domain/workflow-contract.js';
import { ApiError } from '../errors/api-error.js';
import { unavailableRetryAfterSeconds } from '../errors/error-table.js';
import { withTimeLimit } from '../temporal-time-limit.js';
import { workflowFailureToApiError } from './workflow-failures.js';
import { releaseSummary } from './workflow-summaries.js';

export interface ReleaseDeps {
  temporal: Client;
  config: Config;
}

const releaseWaitMs = 15_000;

/**
 * Starts (or joins) the durable release workflow and waits until it has marked the number released;
 * the carrier release itself continues in the workflow. Released and failed numbers need nothing.
 * Resolves the release workflow's id, or null when there was nothing to release.
 */
export async function releasePhoneNumber({ temporal, config }: ReleaseDeps, row: PhoneNumberRow): Promise<string | null> {
  if (row.status === 'released' || row.status === 'failed') return null;
  const workflowId = workflowIds.release(row.id);
  const input: ReleaseNumberInput = { organizationId: row.organization_id, phoneNumberId: row.id };
  const startWorkflowOperation = new WithStartWorkflowOperation(workflowTypes.release, {
    workflowId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    ...releaseSummary(row),
    typedSearchAttributes: [{ key: searchAttributes.organizationId, value: row.organization_id }],
  });
  try {
    const marked = await withTimeLimit(temporal, releaseWaitMs, () =>
      temporal.workflow.executeUpdateWithStart(releaseMarkedUpdate, { startWorkflowOperation }),
    );
    if (!marked.done) {
      throw new ApiError('unavailable', 'Release has not been confirmed yet; retry the request', {
        workflowId,
        retryAfterSeconds: unavailableRetryAfterSeconds,
      });
    }
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw (
        workflowFailureToApiError(error, workflowId, config.ORG_NUMBER_LIMIT) ??
        Object.assign(new ApiError('internal_error', undefined, { workflowId }), { cause: error })
      );
    }
    throw error;
  }
  return workflowId;
}
