import type { PhoneNumberRow } from '../../db/schema.js';
import { isoTimestamp } from '../shared-schemas.js';
import { failureOutcomes, failureTypeOf } from './failure-outcomes.js';
import type { PhoneNumberResponse } from './schemas.js';

/** Exactly the fields of api.md's phone number object; a failure is told by its fixed sentence, never its raw reason. */
export function presentPhoneNumber(row: PhoneNumberRow): PhoneNumberResponse {
  const showsProvisioning = row.status === 'provisioning' || row.status === 'failed';
  return {
    id: row.id,
    number: row.number,
    type: row.type,
    status: row.status,
    incoming_call_action: row.incoming_call_action,
    client_websocket_url: row.client_websocket_url,
    incoming_call_webhook_url: row.incoming_call_webhook_url,
    agent_identity_id: row.agent_identity_id,
    state: row.state,
    country: row.country,
    ...(showsProvisioning
      ? {
          provisioning: {
            step: row.provisioning_step ?? (row.status === 'failed' ? 'failed' : 'reserving'),
            workflow_id: row.workflow_id,
            // The fixed sentence for why it failed; the raw reason stays on the row for operators.
            ...(row.status === 'failed' ? { error: failureOutcomes[failureTypeOf(row)].detail } : {}),
          },
        }
      : {}),
    created_at: isoTimestamp(row.created_at),
    updated_at: isoTimestamp(row.updated_at),
  };
}
