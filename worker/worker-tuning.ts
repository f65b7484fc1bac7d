import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config/config.js';

export type WorkerTuningConfig = Pick<Config, 'WORKER_MAX_CONCURRENT_ACTIVITIES' | 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS' | 'WORKER_MAX_CACHED_WORKFLOWS'>;

/** The worker's concurrency and sticky-cache settings from config; keys left out keep the SDK's defaults. */
export function workerTuning(config: Partial<WorkerTuningConfig>): Partial<WorkerOptions> {
  return {
    ...(config.WORKER_MAX_CONCURRENT_ACTIVITIES === undefined ? {} : { maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES }),
    ...(config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS === undefined
      ? {}
      : { maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS }),
    ...(config.WORKER_MAX_CACHED_WORKFLOWS === undefined ? {} : { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS }),
  };
}
