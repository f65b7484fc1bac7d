import {
  bidirectionalCodecs,
  bidirectionalModes,
  clientStateOf,
  optionalEnum,
  optionalString,
  rejectCauses,
  streamTracks,
  streamUrlOf,
} from './call-command-params.js';
import type { CallLifecycle } from './call-lifecycle.js';
import type { CallAction, CallCommandRecord, CallRecord, CallState } from './calls.js';
import { SandboxHttpError, telnyxErrors } from './errors.js';

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

function answer(calls: CallLifecycle, call: CallRecord, body: Record<string, unknown>): void {
  const clientState = clientStateOf(body);
  const streamUrl = streamUrlOf(body);
  const track = optionalEnum(body, 'stream_track', streamTracks) ?? 'inbound_track';
  const mode = optionalEnum(body, 'stream_bidirectional_mode', bidirectionalModes) ?? null;
  optionalEnum(body, 'stream_bidirectional_codec', bidirectionalCodecs);
  if (call.state !== 'parked') throw invalidState('answer', call.state);
  if (clientState !== undefined) call.client_state = clientState;
  calls.answer(call, streamUrl === undefined ? null : { url: streamUrl, track, bidirectionalMode: mode });
}

function reject(calls: CallLifecycle, call: CallRecord, body: Record<string, unknown>): void {
  if (body.cause === undefined || body.cause === null) throw telnyxErrors.missing('/cause');
  const cause = optionalEnum(body, 'cause', Object.keys(rejectCauses) as (keyof typeof rejectCauses)[])!;
  const clientState = clientStateOf(body);
  if (call.state !== 'parked') throw invalidState('reject', call.state);
  if (clientState !== undefined) call.client_state = clientState;
  calls.end(call, rejectCauses[cause], 'callee');
}

function hangup(calls: CallLifecycle, call: CallRecord, body: Record<string, unknown>): void {
  const clientState = clientStateOf(body);
  if (clientState !== undefined) call.client_state = clientState;
  calls.end(call, 'normal_clearing', 'callee');
}

const actions = { answer, reject, hangup } as const;

/**
 * `POST /v2/calls/{id}/actions/{action}`: the command is recorded with its time, a repeated
 * `command_id` is ignored, a command on an ended call answers 422 code 90018.
 */
export function runCallCommand(calls: CallLifecycle, callControlId: string, action: string, body: Record<string, unknown>): { result: 'ok' } {
  if (!Object.hasOwn(actions, action)) throw telnyxErrors.notFound('resource');
  const call = calls.get(callControlId);
  if (!call) throw invalidCallControlId();
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
    actions[action as CallAction](calls, call, body);
    return { result: 'ok' };
  } catch (error) {
    record.outcome = 'refused';
    if (error instanceof SandboxHttpError) {
      record.status = error.status;
      record.error_code = error.errors[0]?.code ?? null;
    }
    throw error;
  }
}
