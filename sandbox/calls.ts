import type { StreamFrameRecord } from './media-stream.js';

/** The states Telnyx's call events name: `parked` (ringing, not answered), `answered`, `hangup`. */
export type CallState = 'parked' | 'answered' | 'hangup';
export type HangupCause = 'call_rejected' | 'normal_clearing' | 'originator_cancel' | 'user_busy';
export type HangupSource = 'caller' | 'callee';
export type CallAction = 'answer' | 'reject' | 'hangup';

/** One Call Control command that reached the call (a fault of type `error` stops a request before it). */
export interface CallCommandRecord {
  action: CallAction;
  command_id: string | null;
  body: Record<string, unknown>;
  received_at: string;
  /** The HTTP status the sandbox answered. */
  status: number;
  /** applied; duplicate (same command_id, ignored); refused (4xx, the error code in `error_code`). */
  outcome: 'applied' | 'duplicate' | 'refused';
  error_code: string | null;
}

/** One webhook event of the call, in the order the sandbox sends them (one at a time per call). */
export interface CallEventRecord {
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  /** When its first delivery attempt started; null while it waits behind the call's earlier events. */
  sent_at: string | null;
  /** Status of the last delivery attempt; null when unreachable or not yet sent. */
  status: number | null;
}

export interface StreamRecord {
  stream_id: string;
  stream_url: string;
  stream_track: 'inbound_track' | 'outbound_track' | 'both_tracks';
  bidirectional_mode: 'rtp' | 'mp3' | null;
  state: 'connecting' | 'streaming' | 'stopped' | 'failed';
  failure_reason: string | null;
  /** Media frames sent so far (all of them, though `frames_sent` keeps only the first ones). */
  media_frames_sent: number;
  frames_sent: StreamFrameRecord[];
  frames_received: StreamFrameRecord[];
}

/** An incoming call as the sandbox keeps it, and as `GET /_sandbox/calls/{id}` shows it. */
export interface CallRecord {
  call_control_id: string;
  call_leg_id: string;
  call_session_id: string;
  connection_id: string;
  from: string;
  to: string;
  direction: 'incoming';
  state: CallState;
  client_state: string | null;
  start_time: string;
  answered_at: string | null;
  ended_at: string | null;
  hangup_cause: HangupCause | null;
  hangup_source: HangupSource | null;
  commands: CallCommandRecord[];
  events: CallEventRecord[];
  stream: StreamRecord | null;
}
