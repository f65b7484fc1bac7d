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
