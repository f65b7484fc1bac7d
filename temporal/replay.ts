import type { DataConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';

export type ReplayOutcome = { ok: true; events: number } | { ok: false; events: number; error: Error };

/**
 * Replays one history against the workflow code at `workflowsPath`; a determinism mismatch is an outcome,
 * not a throw. An encrypted history needs the payload codec as `dataConverter`.
 */
export async function replayHistory(options: {
  history: History;
  workflowsPath: string;
  workflowId?: string;
  dataConverter?: DataConverter | undefined;
}): Promise<ReplayOutcome> {
  const events = options.history.events?.length ?? 0;
  try {
    const dataConverter = options.dataConverter ? { dataConverter: options.dataConverter } : {};
    await Worker.runReplayHistory({ workflowsPath: options.workflowsPath, ...dataConverter }, options.history, options.workflowId);
    return { ok: true, events };
  } catch (error) {
    return { ok: false, events, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
