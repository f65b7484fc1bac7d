import type { CallRow } from '../../db/schema.js';
import { isoTimestamp } from '../shared-schemas.js';
import type { CallResponse } from './schemas.js';

const isoOrNull = (date: Date | null): string | null => (date ? isoTimestamp(date) : null);

/** Exactly the fields of api.md's call object; the operator-only columns (decision_reason, call_control_id, workflow_id) stay out. */
export function presentCall(row: CallRow): CallResponse {
  return {
    id: row.id,
    local_phone_number: row.local_phone_number,
    remote_phone_number: row.remote_phone_number,
    direction: row.direction,
    status: row.status,
    client_websocket_url: row.client_websocket_url,
    use_inkbox_tts: null,
    use_inkbox_stt: null,
    hangup_reason: row.hangup_reason,
    started_at: isoOrNull(row.started_at),
    ended_at: isoOrNull(row.ended_at),
    created_at: isoTimestamp(row.created_at),
    updated_at: isoTimestamp(row.updated_at),
    is_blocked: false,
    origin: 'dedicated_number',
    mode: 'client_websocket',
  };
}
