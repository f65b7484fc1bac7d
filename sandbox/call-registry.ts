import { runCallCommand } from './call-commands.js';
import { createCallLifecycle, type CallEnvironment } from './call-lifecycle.js';
import { createCallWaits } from './call-waits.js';
import type { CallRecord } from './calls.js';
import { callReached, hangUpAsCaller, ringCall, type CallWaitTarget } from './control-calls.js';

export type CallRegistry = ReturnType<typeof createCallRegistry>;

/**
 * Incoming calls to the account's numbers: `ring` and `callerHangup` (the control API's caller), the Call
 * Control commands answer / reject / hangup (the `/v2/calls/{id}/actions/*` routes), the ring timeout, and
 * the media stream of an answered call. Calls live in memory until `clear`; `waitFor` holds a control
 * request until a call reaches a state.
 */
export function createCallRegistry(env: CallEnvironment) {
  const waits = createCallWaits();
  const calls = createCallLifecycle({ ...env, changed: (call) => waits.changed(call.call_control_id) });
  return {
    ring: (body: Record<string, unknown>) => ringCall(calls, env.numbers(), body),
    callerHangup: (callControlId: string) => hangUpAsCaller(calls, callControlId),
    command: (callControlId: string, action: string, body: Record<string, unknown>) => runCallCommand(calls, callControlId, action, body),
    /** The call once it reached `target` or `timeoutMs` passed (the record says which). */
    async waitFor(call: CallRecord, target: CallWaitTarget, timeoutMs: number): Promise<CallRecord> {
      await waits.until(call.call_control_id, () => callReached(call, target), timeoutMs);
      return call;
    },
    get: calls.get,
    list: calls.list,
    clear(): void {
      waits.clear();
      calls.clear();
    },
  };
}
