import type { PhoneNumberRow } from '../../db/schema.js';
import { failureOutcomes, failureTypeOf } from './failure-outcomes.js';
import type { PhoneNumberResponse } from './schemas.js';

/** ISO 8601 UTC with `Z`, as `isoTimestamp` gives it, without copying a Date the row already holds. */
const iso = (date: Date | string): string => (date instanceof Date ? date : new Date(date)).toISOString();

/** Exactly the fields of api.md's phone number object; a failure is told by its fixed sentence, never its raw reason. */
export function presentPhoneNumber(row: PhoneNumberRow): PhoneNumberResponse {
  const { status } = row;
  if (status !== 'provisioning' && status !== 'failed') {
    return {
      id: row.id,
      number: row.number,
      type: row.type,
      status,
      incoming_call_action: row.incoming_call_action,
      client_websocket_url: row.client_websocket_url,
      incoming_call_webhook_url: row.incoming_call_webhook_url,
      agent_identity_id: row.agent_identity_id,
      state: row.state,
      country: row.country,
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
    };
  }
  return {
    id: row.id,
    number: row.number,
    type: row.type,
    status,
    incoming_call_action: row.incoming_call_action,
    client_websocket_url: row.client_websocket_url,
    incoming_call_webhook_url: row.incoming_call_webhook_url,
    agent_identity_id: row.agent_identity_id,
    state: row.state,
    country: row.country,
    provisioning:
      status === 'failed'
        ? {
            step: row.provisioning_step ?? 'failed',
            workflow_id: row.workflow_id,
            // The fixed sentence for why it failed; the raw reason stays on the row for operators.
            error: failureOutcomes[failureTypeOf(row)].detail,
          }
        : { step: row.provisioning_step ?? 'reserving', workflow_id: row.workflow_id },
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}
