import { randomUUID } from 'node:crypto';
import type { CallEventRecord, CallRecord } from './calls.js';
import type { NumberRecord } from './state.js';

/** Posts one signed event and resolves with the last attempt's status (null: unreachable or no webhook URL). */
export type DeliverEvent = (eventId: string, eventType: string, payload: Record<string, unknown>) => Promise<number | null>;

/** The ids and `client_state` every event of the call carries. */
export function basePayload(call: CallRecord): Record<string, unknown> {
  return {
    call_control_id: call.call_control_id,
    call_leg_id: call.call_leg_id,
    call_session_id: call.call_session_id,
    client_state: call.client_state,
    connection_id: call.connection_id,
  };
}

/** What `call.initiated`, `call.answered` and `call.hangup` carry besides their own fields: the parties and the number's tags. */
export function callPayload(call: CallRecord, numbers: NumberRecord[]): Record<string, unknown> {
  const tags = numbers.find((number) => number.phone_number === call.to)?.tags ?? [];
  return { ...basePayload(call), from: call.from, to: call.to, start_time: call.start_time, tags: [...tags] };
}

export type CallEvents = ReturnType<typeof createCallEvents>;

/** Records each event on its call and delivers a call's events one at a time, in the order they happened. */
export function createCallEvents(deliver: DeliverEvent) {
  const queues = new Map<string, Promise<void>>();
  return {
    /** Queues an event behind the call's earlier ones, so they arrive in the order they happened. */
    emit(call: CallRecord, eventType: string, payload: Record<string, unknown>): void {
      const event: CallEventRecord = { event_id: randomUUID(), event_type: eventType, payload, sent_at: null, status: null };
      call.events.push(event);
      const previous = queues.get(call.call_control_id) ?? Promise.resolve();
      const next = previous.then(async () => {
        event.sent_at = new Date().toISOString();
        event.status = await deliver(event.event_id, eventType, payload);
      });
      queues.set(call.call_control_id, next.catch(() => undefined));
    },
    clear: (): void => queues.clear(),
  };
}
