import { runCallCommand } from './call-commands.js';
import { createCallLifecycle, type CallEnvironment } from './call-lifecycle.js';
import { hangUpAsCaller, ringCall } from './control-calls.js';

export type CallRegistry = ReturnType<typeof createCallRegistry>;

/**
 * Incoming calls to the account's numbers: `ring` and `callerHangup` (the control API's caller), the Call
 * Control commands answer / reject / hangup (the `/v2/calls/{id}/actions/*` routes), the ring timeout, and
 * the media stream of an answered call. Calls live in memory until `clear`.
 */
export function createCallRegistry(env: CallEnvironment) {
  const calls = createCallLifecycle(env);
  return {
    ring: (body: Record<string, unknown>) => ringCall(calls, env.numbers(), body),
    callerHangup: (callControlId: string) => hangUpAsCaller(calls, callControlId),
    command: (callControlId: string, action: string, body: Record<string, unknown>) => runCallCommand(calls, callControlId, action, body),
    get: calls.get,
    list: calls.list,
    clear: calls.clear,
  };
}
