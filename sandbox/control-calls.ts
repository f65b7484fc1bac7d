import type { CallLifecycle } from './call-lifecycle.js';
import type { CallRecord } from './calls.js';
import type { NumberRecord } from './state.js';

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

/** `POST /_sandbox/calls`: a caller dials `to`, a number this account owns, active, on a Call Control connection. */
export function ringCall(calls: CallLifecycle, numbers: NumberRecord[], body: Record<string, unknown>): CallRecord {
  const { to, from } = body;
  if (typeof to !== 'string' || !e164.test(to)) throw new CallControlError(400, 'invalid_request', 'to must be an E.164 number (+ and 2-15 digits)');
  if (typeof from !== 'string' || !e164.test(from)) throw new CallControlError(400, 'invalid_request', 'from must be an E.164 number (+ and 2-15 digits)');
  const number = numbers.find((each) => each.phone_number === to);
  if (!number) throw new CallControlError(404, 'number_not_found', `${to} is not a number of this account`);
  if (number.active_from === null || number.active_from > Date.now()) {
    throw new CallControlError(409, 'number_not_active', `${to} is still purchase-pending: it takes calls once active`);
  }
  if (!number.connection_id) {
    throw new CallControlError(409, 'number_not_on_connection', `${to} has no connection_id: Telnyx sends call events only for numbers on a Call Control connection`);
  }
  return calls.ring({ from, to, connectionId: number.connection_id });
}

/** `POST /_sandbox/calls/{id}/hangup`: before the answer the call is cancelled, after it cleared normally. */
export function hangUpAsCaller(calls: CallLifecycle, callControlId: string): CallRecord {
  const call = calls.get(callControlId);
  if (!call) throw new CallControlError(404, 'call_not_found', `No call ${callControlId}`);
  if (call.state === 'hangup') throw new CallControlError(409, 'call_ended', `Call ${callControlId} has already ended`);
  calls.end(call, call.state === 'parked' ? 'originator_cancel' : 'normal_clearing', 'caller');
  return call;
}

/** What a `wait_for` may wait for: `decision` = the first applied answer or reject, or the call's end (whoever ended it). */
export const callWaitTargets = ['decision'] as const;
export type CallWaitTarget = (typeof callWaitTargets)[number];

export function callReached(call: CallRecord, target: CallWaitTarget): boolean {
  switch (target) {
    case 'decision':
      return call.state === 'hangup' || call.commands.some((each) => each.outcome === 'applied' && (each.action === 'answer' || each.action === 'reject'));
  }
}

const maxWaitMs = 60_000;

/** `wait_for` and `timeout_ms` of `GET /_sandbox/calls/{id}`: the target, and how long to wait (default 10 s, at most 60 s). */
export function parseCallWait(query: URLSearchParams): { target: CallWaitTarget; timeoutMs: number } | null {
  const target = query.get('wait_for');
  const timeout = query.get('timeout_ms');
  if (target === null) {
    if (timeout !== null) throw new CallControlError(400, 'invalid_request', 'timeout_ms goes with wait_for');
    return null;
  }
  if (!(callWaitTargets as readonly string[]).includes(target)) throw new CallControlError(400, 'invalid_request', `wait_for must be one of ${callWaitTargets.join(', ')}`);
  const timeoutMs = timeout === null ? 10_000 : Number(timeout);
  if (!/^\d+$/.test(timeout ?? '0') || timeoutMs > maxWaitMs) throw new CallControlError(400, 'invalid_request', `timeout_ms must be a whole number of ms from 0 to ${maxWaitMs}`);
  return { target: target as CallWaitTarget, timeoutMs };
}
