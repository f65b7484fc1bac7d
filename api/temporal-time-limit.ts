import { WorkflowFailedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';

export type Bounded<T> = { done: true; value: T } | { done: false };

/**
 * Runs Temporal client calls under an abort signal that fires after `ms`, so no request waits on a
 * workflow forever. A workflow or update failure that arrives is rethrown as is.
 */
export async function withTimeLimit<T>(client: Client, ms: number, call: () => Promise<T>): Promise<Bounded<T>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return { done: true, value: await client.withAbortSignal(controller.signal, call) };
  } catch (error) {
    if (error instanceof WorkflowFailedError || error instanceof WorkflowUpdateFailedError) throw error;
    if (controller.signal.aborted) return { done: false };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
