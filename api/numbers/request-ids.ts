import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { claimIdempotencyKey, findIdempotencyKey, releaseIdempotencyKey } from '../../db/repositories/idempotency-keys.js';
import { findIdentityByHandle } from '../../db/repositories/identities.js';
import type { Database } from '../../db/schema.js';
import { workflowIds } from '../../domain/workflow-contract.js';
import { ApiError, ValidationError } from '../errors/api-error.js';
import type { NormalizedProvisionBody } from './normalized-request.js';
import { requestHash } from './request-hash.js';

export interface RequestIds {
  workflowId: string;
  phoneNumberId: string;
  /** The Idempotency-Key was claimed by an earlier request, whose row may already tell the outcome. */
  claimedBefore: boolean;
}

/**
 * The workflow and row ids of this request: those recorded under its Idempotency-Key (a retry joins
 * the first request), or fresh ones. The identity is checked before anything is written.
 */
export async function resolveRequestIds(
  db: Kysely<Database>,
  organizationId: string,
  idempotencyKey: string | undefined,
  normalized: NormalizedProvisionBody,
): Promise<RequestIds> {
  const hash = requestHash(normalized);
  const reused = () => new ApiError('idempotency_key_reused');
  if (idempotencyKey) {
    const existing = await findIdempotencyKey(db, organizationId, idempotencyKey);
    if (existing) {
      if (existing.request_hash !== hash) throw reused();
      return { workflowId: existing.workflow_id, phoneNumberId: existing.phone_number_id, claimedBefore: true };
    }
  }
  const identity = await findIdentityByHandle(db, organizationId, normalized.agentHandle);
  if (!identity) {
    throw new ApiError('identity_not_found', `No agent identity "${normalized.agentHandle}" in your organization`);
  }
  const fresh = { workflowId: workflowIds.provision(organizationId, idempotencyKey ?? randomUUID()), phoneNumberId: randomUUID() };
  if (!idempotencyKey) return { ...fresh, claimedBefore: false };
  const claim = await claimIdempotencyKey(db, { organizationId, key: idempotencyKey, requestHash: hash, ...fresh });
  if (claim.request_hash !== hash) throw reused();
  return { workflowId: claim.workflow_id, phoneNumberId: claim.phone_number_id, claimedBefore: claim.phone_number_id !== fresh.phoneNumberId };
}

/**
 * Temporal refused the start as invalid, so nothing runs and the same start can never succeed: 422
 * rather than 500, and the key's claim is dropped so it does not pin every retry to the refused id
 * (a key claimed before long keys were hashed is claimed afresh by its next retry).
 */
export async function refusedStart(
  db: Kysely<Database>,
  organizationId: string,
  idempotencyKey: string | undefined,
  workflowId: string,
  error: unknown,
): Promise<ApiError> {
  if (idempotencyKey) await releaseIdempotencyKey(db, organizationId, idempotencyKey, workflowId);
  const refused = new ValidationError([
    {
      loc: idempotencyKey ? ['header', 'Idempotency-Key'] : ['body'],
      msg: 'The workflow service refused to start provisioning for this request; nothing was started',
      type: 'value_error',
    },
  ]);
  return Object.assign(refused, { cause: error });
}
