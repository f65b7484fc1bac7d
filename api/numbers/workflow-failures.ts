import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  failureTypes,
  isProvisioningFailureType,
  limitReachedMessage,
  provisioningFailureTypes,
  provisioningSettledType,
} from '../../domain/failures.js';
import { ApiError } from '../errors/api-error.js';
import { errorTable, type ErrorCode } from '../errors/error-table.js';
import { failureApiError } from './failure-outcomes.js';

/** A provisioning cancelled because its number was released while it ran. */
const cancelled = 'cancelled';
const knownTypes = new Set<string>(Object.values(failureTypes));

/** The first ApplicationFailure in the cause chain whose `type` the API knows. */
function findFailureType(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof ApplicationFailure && current.type && knownTypes.has(current.type)) return current.type;
    if (current instanceof CancelledFailure) return cancelled;
    current = current.cause;
  }
  return undefined;
}

/** Whether the workflow stopped because its row had already settled (answer from the row instead). */
export function isSettledFailure(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof ApplicationFailure && current.type === provisioningSettledType) return true;
    current = current.cause;
  }
  return false;
}

/**
 * Maps a failed workflow or update to the API error its failure `type` names; undefined when the
 * failure carries no known type (an unexpected failure, rendered as 500 with the workflow id).
 */
export function workflowFailureToApiError(error: unknown, workflowId: string, orgNumberLimit: number): ApiError | undefined {
  const type = findFailureType(error);
  if (!type) return undefined;
  // A provisioning's failure is told by the fixed table (the failure's own message may carry the carrier's words).
  if (type === cancelled) return failureApiError(provisioningFailureTypes.cancelled, workflowId);
  if (isProvisioningFailureType(type)) return failureApiError(type, workflowId);
  const code = type as ErrorCode & keyof typeof errorTable;
  if (code === 'phone_number_limit_reached') {
    return new ApiError(code, limitReachedMessage(orgNumberLimit));
  }
  return new ApiError(code);
}
