import { Worker, type CompiledWorkerOptions, type Logger } from '@temporalio/worker';
import type { Workflow, WorkflowCreator } from '@temporalio/worker/lib/workflow/interface.js';

/** What the watch needs of a workflow thread: a way to stop it whatever JavaScript it is running. */
export interface StoppableThread {
  terminate(): Promise<number>;
}

/** A call into the workflow thread that has not answered yet, for the log line should it never answer. */
interface PendingCall {
  call: string;
  workflowType: string;
  workflowId: string;
  runId: string;
  sinceMs: number;
}

/**
 * Wraps a workflow creator so a workflow thread that stops answering is stopped rather than left hung.
 *
 * It replaces the SDK's deadlock detection (`isolateExecutionTimeout`): the SDK passes that timeout to
 * `vm`'s `runInContext` on each of the four or more calls into the sandbox per activation, and Node
 * starts and joins a watchdog thread for each such call (about 0.1 ms of CPU apiece, several ms per
 * provisioning). Here one timer on the worker's main thread checks, every fifth of the timeout, whether
 * calls are waiting on the thread and it has answered none of them for `timeoutMs`: then workflow code is
 * stuck in a synchronous loop. The watch logs the workflow and terminates the thread; the SDK then fails
 * the worker (as on any fatal workflow-thread error), the process exits non-zero and its supervisor
 * restarts it, and the workflow task is retried on a worker that is not stuck. The SDK instead failed only
 * that workflow task and kept the thread; a worker restart is the price of not paying for a watchdog
 * thread per call. Progress is counted over all of the creator's threads (one, with `reuseV8Context`).
 */
export function watchWorkflowThreads(
  creator: WorkflowCreator,
  threads: StoppableThread[],
  timeoutMs: number,
  logger: Pick<Logger, 'error'>,
): WorkflowCreator {
  const pending = new Set<PendingCall>();
  let lastAnswerMs = 0;
  let stopped = false;

  const track = async <T>(entry: Omit<PendingCall, 'sinceMs'>, call: () => Promise<T>): Promise<T> => {
    const now = Date.now();
    if (pending.size === 0) lastAnswerMs = now;
    const item = { ...entry, sinceMs: now };
    pending.add(item);
    try {
      return await call();
    } finally {
      pending.delete(item);
      lastAnswerMs = Date.now();
    }
  };

  const check = () => {
    if (stopped || pending.size === 0 || Date.now() - lastAnswerMs <= timeoutMs) return;
    stopped = true;
    clearInterval(timer);
    const oldest = [...pending].reduce((a, b) => (b.sinceMs < a.sinceMs ? b : a));
    logger.error(`Workflow thread answered nothing for over ${timeoutMs} ms; terminating it so the worker fails and is restarted`, {
      call: oldest.call,
      workflowType: oldest.workflowType,
      workflowId: oldest.workflowId,
      runId: oldest.runId,
      waitingMs: Date.now() - oldest.sinceMs,
      pendingCalls: pending.size,
    });
    for (const thread of threads) void thread.terminate();
  };
  const timer = setInterval(check, Math.max(50, Math.floor(timeoutMs / 5)));
  timer.unref();

  return {
    async createWorkflow(options) {
      const about = { workflowType: options.info.workflowType, workflowId: options.info.workflowId, runId: options.info.runId };
      const workflow = await track({ call: 'create', ...about }, () => creator.createWorkflow(options));
      const watched: Workflow = {
        activate: (activation) => track({ call: 'activate', ...about }, () => workflow.activate(activation)),
        getAndResetSinkCalls: () => track({ call: 'sink calls', ...about }, () => workflow.getAndResetSinkCalls()),
        dispose: () => track({ call: 'dispose', ...about }, () => workflow.dispose()),
      };
      return watched;
    },
    async destroy() {
      stopped = true;
      clearInterval(timer);
      await creator.destroy();
    },
  };
}

/** The threads of the SDK's threaded workflow creator (its `workerThreadClients`), or undefined when it has another shape. */
function workflowThreadsOf(creator: WorkflowCreator): StoppableThread[] | undefined {
  const clients = (creator as { workerThreadClients?: unknown }).workerThreadClients;
  if (!Array.isArray(clients) || clients.length === 0) return undefined;
  const threads = clients.map((client) => (client as { workerThread?: unknown } | null)?.workerThread);
  return threads.every((thread): thread is StoppableThread => typeof (thread as StoppableThread | undefined)?.terminate === 'function') ? threads : undefined;
}

type CreatorArgs = Parameters<(typeof Worker)['createWorkflowCreator']>;

/**
 * The SDK's Worker with its workflow threads watched by `watchWorkflowThreads` instead of a `vm` timeout
 * per call into the sandbox. Should the SDK's creator not have the expected shape (another SDK version,
 * `debugMode`), the SDK's own creator, with its timeout, is used unchanged.
 */
export class WatchedWorker extends Worker {
  protected static override async createWorkflowCreator(...[bundle, options, logger]: CreatorArgs): Promise<WorkflowCreator> {
    const timeoutMs = options.isolateExecutionTimeoutMs;
    if (options.debugMode || !(timeoutMs > 0)) return super.createWorkflowCreator(bundle, options, logger);
    // Node's vm runs without a watchdog when its timeout is undefined.
    const unwatched: CompiledWorkerOptions = { ...options, isolateExecutionTimeoutMs: undefined as unknown as number };
    const creator = await super.createWorkflowCreator(bundle, unwatched, logger);
    const threads = workflowThreadsOf(creator);
    if (threads) return watchWorkflowThreads(creator, threads, timeoutMs, logger);
    await creator.destroy();
    return super.createWorkflowCreator(bundle, options, logger);
  }
}
