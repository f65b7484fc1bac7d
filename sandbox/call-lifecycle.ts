import { randomBytes, randomUUID } from 'node:crypto';
import { callPayload, createCallEvents, type DeliverEvent } from './call-events.js';
import { createCallStreams, type StreamRequest } from './call-streams.js';
import type { CallRecord, HangupCause, HangupSource } from './calls.js';
import type { NumberRecord, SandboxConfig } from './state.js';

/** What the calls need from the sandbox around them. */
export interface CallEnvironment {
  config(): SandboxConfig;
  numbers(): NumberRecord[];
  deliver: DeliverEvent;
  /** Called after each move of a call (answered, ended), once its record shows the move. */
  changed?(call: CallRecord): void;
}

/** Who calls whom, on the called number's connection. */
export interface NewCall {
  from: string;
  to: string;
  connectionId: string;
}

const newCallControlId = () => `v3:${randomBytes(40).toString('base64url')}`;

export type CallLifecycle = ReturnType<typeof createCallLifecycle>;

/**
 * The calls in memory (until `clear`) and their moves from state to state: ringing (`parked`, until
 * the ring timeout), `answered` (with its media stream), `hangup`; each move sends its event.
 */
export function createCallLifecycle(env: CallEnvironment) {
  const calls = new Map<string, CallRecord>();
  const ringTimers = new Map<string, NodeJS.Timeout>();
  const events = createCallEvents(env.deliver);
  const streams = createCallStreams(env.config, events);

  function stopRinging(call: CallRecord): void {
    clearTimeout(ringTimers.get(call.call_control_id));
    ringTimers.delete(call.call_control_id);
  }

  function end(call: CallRecord, cause: HangupCause, source: HangupSource): void {
    stopRinging(call);
    streams.stop(call, true);
    call.state = 'hangup';
    call.ended_at = new Date().toISOString();
    call.hangup_cause = cause;
    call.hangup_source = source;
    events.emit(call, 'call.hangup', {
      ...callPayload(call, env.numbers()),
      state: 'hangup',
      hangup_cause: cause,
      hangup_source: source,
      sip_hangup_cause: 'unspecified',
      call_quality_stats: null,
    });
    env.changed?.(call);
  }

  return {
    /** A new call rings (`call.initiated`); the caller gives up after `call_ring_timeout_ms`. */
    ring({ from, to, connectionId }: NewCall): CallRecord {
      const call: CallRecord = {
        call_control_id: newCallControlId(),
        call_leg_id: randomUUID(),
        call_session_id: randomUUID(),
        connection_id: connectionId,
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
      events.emit(call, 'call.initiated', { ...callPayload(call, env.numbers()), direction: 'incoming', state: 'parked', caller_id_name: from });
      ringTimers.set(
        call.call_control_id,
        setTimeout(() => {
          ringTimers.delete(call.call_control_id);
          if (call.state === 'parked') end(call, 'originator_cancel', 'caller');
        }, env.config().call_ring_timeout_ms),
      );
      return call;
    },

    /** The ringing call is answered (`call.answered`), and starts streaming when the answer asked for it. */
    answer(call: CallRecord, stream: StreamRequest | null): void {
      stopRinging(call);
      call.state = 'answered';
      call.answered_at = new Date().toISOString();
      events.emit(call, 'call.answered', { ...callPayload(call, env.numbers()), state: 'answered' });
      if (stream) streams.start(call, stream);
      env.changed?.(call);
    },

    /** The call ends (`call.hangup`), its stream stopped first (`streaming.stopped`). */
    end,

    get: (callControlId: string): CallRecord | undefined => calls.get(callControlId),
    list: (): CallRecord[] => [...calls.values()],

    /** Forgets every call: timers cancelled, streams closed without events (reset and stop). */
    clear(): void {
      for (const timer of ringTimers.values()) clearTimeout(timer);
      ringTimers.clear();
      streams.clear();
      calls.clear();
      events.clear();
    },
  };
}
