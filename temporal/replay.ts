import type { History } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';

export type ReplayOutcome = { ok: true; events: number } | { ok: false; events: number; error: Error };

/** Replays one history against the workflow code at `workflowsPath`; a determinism mismatch is an outcome, not a throw. */
export async function replayHistory(options: { history: History; workflowsPath: string; workflowId?: string }): Promise<ReplayOutcome> {
  const events = options.history.events?.length ?? 0;
  try {
    await Worker.runReplayHistory({ workflowsPath: options.workflowsPath }, options.history, options.workflowId);
    return { ok: true, events };
  } catch (error) {
    return { ok: false, events, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
