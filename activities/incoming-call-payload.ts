import type { CallStatus, HangupReason } from '../domain/calls.js';
import type { CallRow } from '../db/schema.js';

/** An agent identity of the same organization that is the remote party (Inkbox's `WebhookAgentIdentity`). */
export interface WebhookAgentIdentity {
  id: string;
  agent_handle: string;
  display_name: string | null;
}

/**
 * The incoming-call webhook body, flat, field for field the Inkbox SDK's
 * `PhoneIncomingCallWebhookPayload` plus `phone_number_id` (by which real clients recognise it).
 */
export interface IncomingCallWebhookPayload {
  id: string;
  phone_number_id: string;
  local_phone_number: string;
  remote_phone_number: string;
  direction: 'inbound';
  status: CallStatus;
  client_websocket_url: string | null;
  use_inkbox_tts: null;
  use_inkbox_stt: null;
  hangup_reason: HangupReason | null;
  started_at: string | null;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
  rate_limit: null;
  contacts: [];
  agent_identities: WebhookAgentIdentity[];
}

const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null);

/**
 * The body for a ringing call. `client_websocket_url` is the call's, else the number's own: where the
 * audio goes if the customer answers without naming another.
 */
export function incomingCallPayload(
  call: CallRow,
  numberWebsocketUrl: string | null,
  agentIdentities: WebhookAgentIdentity[],
): IncomingCallWebhookPayload {
  return {
    id: call.id,
    phone_number_id: call.phone_number_id,
    local_phone_number: call.local_phone_number,
    remote_phone_number: call.remote_phone_number,
    direction: 'inbound',
    status: call.status,
    client_websocket_url: call.client_websocket_url ?? numberWebsocketUrl,
    use_inkbox_tts: null,
    use_inkbox_stt: null,
    hangup_reason: call.hangup_reason,
    started_at: isoOrNull(call.started_at),
    ended_at: isoOrNull(call.ended_at),
    created_at: call.created_at.toISOString(),
    updated_at: call.updated_at.toISOString(),
    rate_limit: null,
    contacts: [],
    agent_identities: agentIdentities,
  };
}
