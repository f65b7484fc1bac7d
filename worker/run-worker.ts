import type { Worker } from '@temporalio/worker';

export interface RunningWorker {
  /** Settles when the worker has stopped polling and finished its in-flight tasks. */
  done: Promise<void>;
  /** Drains the worker and waits for it; safe when the SDK already began draining on a signal. */
  stop(): Promise<void>;
}

/** Runs a worker under the process's own shutdown sequence. */
export function runWorker(worker: Worker): RunningWorker {
  const done = worker.run();
  return {
    done,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
