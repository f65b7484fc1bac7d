import { stripAt } from '../shared-schemas.js';
import { callSettingsOf, type ProvisionNumberBody } from './schemas.js';

/**
 * The request as the workflow takes it and as its Idempotency-Key hash covers it: changing this shape
 * changes every stored request hash, so a retried key would read as reused.
 */
export function normalizeProvisionBody(body: ProvisionNumberBody) {
  return {
    agentHandle: stripAt(body.agent_handle),
    type: body.type,
    state: body.state ? body.state.toUpperCase() : null,
    callSettings: callSettingsOf(body),
  };
}

/** A provision request after `normalizeProvisionBody`. */
export type NormalizedProvisionBody = ReturnType<typeof normalizeProvisionBody>;
