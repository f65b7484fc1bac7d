import type { ChaosStack } from './stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether the worker child running now polls the task queue. A killed worker's poller stays listed
 * for minutes, so only a poller whose identity carries the current pid counts; a restarted dev
 * server lists none until the worker reconnects.
 */
async function currentWorkerPolls(stack: ChaosStack): Promise<boolean> {
  const pid = stack.worker.pid;
  if (pid === null) return false;
  const { pollers } = await stack.temporal.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: stack.taskQueue },
    taskQueueType: 1,
  });
  return (pollers ?? []).some((poller) => poller.identity?.startsWith(`${pid}@`));
}

/**
 * Waits until the current worker child polls (it bundles the workflows first); resolves how long that
 * took, or null when `timeoutMs` passed or `signal` aborted first.
 */
export async function awaitWorkerPolling(stack: ChaosStack, timeoutMs: number, signal?: AbortSignal): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs && !signal?.aborted) {
    if (await currentWorkerPolls(stack).catch(() => false)) return Date.now() - started;
    await sleep(500);
  }
  return null;
}
