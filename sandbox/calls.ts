import { randomBytes, randomUUID } from 'node:crypto';
import { SandboxHttpError, telnyxErrors } from './errors.js';
import { openMediaStream, type MediaStreamHandle, type StreamFrameRecord } from './media-stream.js';
import type { NumberRecord, SandboxConfig } from './state.js';

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

/** What the calls need from the sandbox around them. */
export interface CallEnvironment {
  config(): SandboxConfig;
  numbers(): NumberRecord[];
  /** Posts one signed event and resolves with the last attempt's status (null: unreachable or no webhook URL). */
  deliver(eventId: string, eventType: string, payload: Record<string, unknown>): Promise<number | null>;
}

/** A 4xx of the control API (`POST /_sandbox/calls…`), rendered as `{"error", "detail"}`. */
export class CallControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

const e164 = /^\+[1-9]\d{1,14}$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const tracks = ['inbound_track', 'outbound_track', 'both_tracks'] as const;
const bidirectionalModes = ['rtp', 'mp3'] as const;
const bidirectionalCodecs = ['PCMU', 'PCMA', 'G722', 'OPUS', 'AMR-WB', 'L16'] as const;
const rejectCauses = { CALL_REJECTED: 'call_rejected', USER_BUSY: 'user_busy' } as const;

/** Telnyx's answer to a command on a call that has ended (code 90018, as Telnyx sends it). */
const callEnded = () =>
  new SandboxHttpError(422, [{ code: '90018', title: 'Call has already ended', detail: "This call is no longer active and can't receive commands." }]);
/** Telnyx's answer for a call_control_id it does not know (code 90015). */
const invalidCallControlId = () =>
  new SandboxHttpError(422, [
    { code: '90015', title: 'Invalid Call Control ID', detail: 'The call_control_id provided was not valid.', source: { pointer: '/call_control_id' } },
  ]);
/**
 * A command the call's state does not allow (answer twice, reject after answer): 422 as Telnyx documents for
 * these commands; its code for this case is undocumented, so the sandbox uses the generic 10015.
 */
const invalidState = (action: CallAction, state: CallState) =>
  new SandboxHttpError(422, [
    { code: '10015', title: 'Bad Request', detail: `The ${action} command is not valid for a call in state '${state}'.`, source: { pointer: '/call_control_id' } },
  ]);

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw telnyxErrors.invalid(`/${key}`, `${key} must be a string.`);
  return value;
}

function optionalEnum<T extends string>(body: Record<string, unknown>, key: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(body, key);
  if (value !== undefined && !allowed.includes(value as T)) throw telnyxErrors.invalid(`/${key}`, `${key} must be one of ${allowed.join(', ')}.`);
  return value as T | undefined;
}

/** `client_state` "must be a valid Base-64 encoded string" (actions.d.ts): anything else is refused. */
function clientStateOf(body: Record<string, unknown>): string | undefined {
  const value = optionalString(body, 'client_state');
  if (value !== undefined && (value === '' || !base64.test(value))) throw telnyxErrors.invalid('/client_state', 'client_state must be a valid Base-64 encoded string.');
  return value;
}

function streamUrlOf(body: Record<string, unknown>): string | undefined {
  const value = optionalString(body, 'stream_url');
  if (value === undefined) return undefined;
  const protocol = URL.canParse(value) ? new URL(value).protocol : null;
  if (protocol !== 'ws:' && protocol !== 'wss:') throw telnyxErrors.invalid('/stream_url', 'stream_url must be a WebSocket address (wss:// or ws://).');
  return value;
}

const newCallControlId = () => `v3:${randomBytes(40).toString('base64url')}`;

export type CallRegistry = ReturnType<typeof createCallRegistry>;

/**
 * Incoming calls to the account's numbers: `ring` (the control API's caller), the Call Control commands
 * answer / reject / hangup (the `/v2/calls/{id}/actions/*` routes), the caller hanging up, the ring
 * timeout, and the media stream of an answered call. Calls live in memory until `clear`.
 */
export function createCallRegistry(env: CallEnvironment) {
  const calls = new Map<string, CallRecord>();
  const queues = new Map<string, Promise<void>>();
  const ringTimers = new Map<string, NodeJS.Timeout>();
  const streams = new Map<string, MediaStreamHandle>();

  function basePayload(call: CallRecord): Record<string, unknown> {
    return {
      call_control_id: call.call_control_id,
      call_leg_id: call.call_leg_id,
      call_session_id: call.call_session_id,
      client_state: call.client_state,
      connection_id: call.connection_id,
    };
  }

  /** Queues an event behind the call's earlier ones, so they arrive in the order they happened. */
  function emit(call: CallRecord, eventType: string, payload: Record<string, unknown>): void {
    const event: CallEventRecord = { event_id: randomUUID(), event_type: eventType, payload, sent_at: null, status: null };
    call.events.push(event);
    const previous = queues.get(call.call_control_id) ?? Promise.resolve();
    const next = previous.then(async () => {
      event.sent_at = new Date().toISOString();
      event.status = await env.deliver(event.event_id, eventType, payload);
    });
    queues.set(call.call_control_id, next.catch(() => undefined));
  }

  function callPayload(call: CallRecord): Record<string, unknown> {
    const tags = env.numbers().find((number) => number.phone_number === call.to)?.tags ?? [];
    return { ...basePayload(call), from: call.from, to: call.to, start_time: call.start_time, tags: [...tags] };
  }

  function stopStream(call: CallRecord, sendStopped: boolean): void {
    const handle = streams.get(call.call_control_id);
    if (!handle || !call.stream) return;
    streams.delete(call.call_control_id);
    const wasStreaming = call.stream.state === 'streaming';
    handle.stop();
    if (call.stream.state === 'connecting' || call.stream.state === 'streaming') call.stream.state = 'stopped';
    if (sendStopped && wasStreaming) emit(call, 'streaming.stopped', { ...basePayload(call), stream_url: call.stream.stream_url });
  }

  function end(call: CallRecord, cause: HangupCause, source: HangupSource): void {
    clearTimeout(ringTimers.get(call.call_control_id));
    ringTimers.delete(call.call_control_id);
    stopStream(call, true);
    call.state = 'hangup';
    call.ended_at = new Date().toISOString();
    call.hangup_cause = cause;
    call.hangup_source = source;
    emit(call, 'call.hangup', {
      ...callPayload(call),
      state: 'hangup',
      hangup_cause: cause,
      hangup_source: source,
      sip_hangup_cause: 'unspecified',
      call_quality_stats: null,
    });
  }

  function startStream(call: CallRecord, stream: StreamRecord): void {
    const handle = openMediaStream({
      url: stream.stream_url,
      insecureTls: env.config().media_tls_insecure,
      streamId: stream.stream_id,
      callControlId: call.call_control_id,
      clientState: call.client_state,
      track: stream.stream_track,
      bidirectionalMode: stream.bidirectional_mode,
      record: stream,
      onOpen() {
        if (call.state !== 'answered') return;
        stream.state = 'streaming';
        emit(call, 'streaming.started', { ...basePayload(call), stream_url: stream.stream_url });
      },
      onFailure(reason) {
        if (streams.get(call.call_control_id) !== handle) return;
        streams.delete(call.call_control_id);
        stream.state = 'failed';
        stream.failure_reason = reason;
        emit(call, 'streaming.failed', {
          ...basePayload(call),
          failure_reason: reason,
          stream_id: stream.stream_id,
          stream_params: { stream_url: stream.stream_url, track: stream.stream_track },
          stream_type: 'websocket',
        });
      },
    });
    streams.set(call.call_control_id, handle);
  }

  function find(callControlId: string): CallRecord {
    const call = calls.get(callControlId);
    if (!call) throw invalidCallControlId();
    return call;
  }

  function answer(call: CallRecord, body: Record<string, unknown>): void {
    const clientState = clientStateOf(body);
    const streamUrl = streamUrlOf(body);
    const track = optionalEnum(body, 'stream_track', tracks) ?? 'inbound_track';
    const mode = optionalEnum(body, 'stream_bidirectional_mode', bidirectionalModes) ?? null;
    optionalEnum(body, 'stream_bidirectional_codec', bidirectionalCodecs);
    if (call.state !== 'parked') throw invalidState('answer', call.state);
    if (clientState !== undefined) call.client_state = clientState;
    clearTimeout(ringTimers.get(call.call_control_id));
    ringTimers.delete(call.call_control_id);
    call.state = 'answered';
    call.answered_at = new Date().toISOString();
    emit(call, 'call.answered', { ...callPayload(call), state: 'answered' });
    if (streamUrl === undefined) return;
    call.stream = {
      stream_id: randomUUID(),
      stream_url: streamUrl,
      stream_track: track,
      bidirectional_mode: mode,
      state: 'connecting',
      failure_reason: null,
      media_frames_sent: 0,
      frames_sent: [],
      frames_received: [],
    };
    startStream(call, call.stream);
  }

  function reject(call: CallRecord, body: Record<string, unknown>): void {
    if (body.cause === undefined || body.cause === null) throw telnyxErrors.missing('/cause');
    const cause = optionalEnum(body, 'cause', Object.keys(rejectCauses) as (keyof typeof rejectCauses)[])!;
    const clientState = clientStateOf(body);
    if (call.state !== 'parked') throw invalidState('reject', call.state);
    if (clientState !== undefined) call.client_state = clientState;
    end(call, rejectCauses[cause], 'callee');
  }

  function hangup(call: CallRecord, body: Record<string, unknown>): void {
    const clientState = clientStateOf(body);
    if (clientState !== undefined) call.client_state = clientState;
    end(call, 'normal_clearing', 'callee');
  }

  const actions = { answer, reject, hangup } as const;

  return {
    /** A caller dials `to`, a number this account owns, active, on a Call Control connection. */
    ring(body: Record<string, unknown>): CallRecord {
      const { to, from } = body;
      if (typeof to !== 'string' || !e164.test(to)) throw new CallControlError(400, 'invalid_request', 'to must be an E.164 number (+ and 2-15 digits)');
      if (typeof from !== 'string' || !e164.test(from)) throw new CallControlError(400, 'invalid_request', 'from must be an E.164 number (+ and 2-15 digits)');
      const number = env.numbers().find((each) => each.phone_number === to);
      if (!number) throw new CallControlError(404, 'number_not_found', `${to} is not a number of this account`);
      if (number.active_from === null || number.active_from > Date.now()) {
        throw new CallControlError(409, 'number_not_active', `${to} is still purchase-pending: it takes calls once active`);
      }
      if (!number.connection_id) {
        throw new CallControlError(409, 'number_not_on_connection', `${to} has no connection_id: Telnyx sends call events only for numbers on a Call Control connection`);
      }
      const call: CallRecord = {
        call_control_id: newCallControlId(),
        call_leg_id: randomUUID(),
        call_session_id: randomUUID(),
        connection_id: number.connection_id,
        from,
        to,
        direction: 'incoming',
        state: 'parked',
        client_state: null,
        start_time: new Date().toISOString(),
        answered_at: null,
        ended_at: null,
        hangup_cause: null,
        hangup_source: null,
        commands: [],
        events: [],
        stream: null,
      };
      calls.set(call.call_control_id, call);
      emit(call, 'call.initiated', { ...callPayload(call), direction: 'incoming', state: 'parked', caller_id_name: from });
      ringTimers.set(
        call.call_control_id,
        setTimeout(() => {
          ringTimers.delete(call.call_control_id);
          if (call.state === 'parked') end(call, 'originator_cancel', 'caller');
        }, env.config().call_ring_timeout_ms),
      );
      return call;
    },

    /** The caller hangs up: before the answer the call is cancelled, after it cleared normally. */
    callerHangup(callControlId: string): CallRecord {
      const call = calls.get(callControlId);
      if (!call) throw new CallControlError(404, 'call_not_found', `No call ${callControlId}`);
      if (call.state === 'hangup') throw new CallControlError(409, 'call_ended', `Call ${callControlId} has already ended`);
      end(call, call.state === 'parked' ? 'originator_cancel' : 'normal_clearing', 'caller');
      return call;
    },

    /**
     * `POST /v2/calls/{id}/actions/{action}`: the command is recorded with its time, a repeated
     * `command_id` is ignored, a command on an ended call answers 422 code 90018.
     */
    command(callControlId: string, action: string, body: Record<string, unknown>): { result: 'ok' } {
      if (!(action in actions)) throw telnyxErrors.notFound('resource');
      const call = find(callControlId);
      const record: CallCommandRecord = {
        action: action as CallAction,
        command_id: typeof body.command_id === 'string' ? body.command_id : null,
        body,
        received_at: new Date().toISOString(),
        status: 200,
        outcome: 'applied',
        error_code: null,
      };
      call.commands.push(record);
      try {
        optionalString(body, 'command_id');
        if (call.state === 'hangup') throw callEnded();
        const duplicate = record.command_id !== null && call.commands.some((each) => each !== record && each.outcome === 'applied' && each.command_id === record.command_id);
        if (duplicate) {
          record.outcome = 'duplicate';
          return { result: 'ok' };
        }
        actions[action as CallAction](call, body);
        return { result: 'ok' };
      } catch (error) {
        record.outcome = 'refused';
        if (error instanceof SandboxHttpError) {
          record.status = error.status;
          record.error_code = error.errors[0]?.code ?? null;
        }
        throw error;
      }
    },

    get: (callControlId: string): CallRecord | undefined => calls.get(callControlId),
    list: (): CallRecord[] => [...calls.values()],

    /** Forgets every call: timers cancelled, streams closed without events (reset and stop). */
    clear(): void {
      for (const timer of ringTimers.values()) clearTimeout(timer);
      ringTimers.clear();
      for (const handle of streams.values()) handle.stop();
      streams.clear();
      calls.clear();
      queues.clear();
    },
  };
}
