import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createActivities, type ActivityDeps } from '../activities/create-activities.js';
import type { Carrier } from '../carrier/carrier.js';
import type { Database } from '../db/schema.js';
import { workflowsPath } from '../temporal/workflows-path.js';
import { workerTuning, type WorkerTuningConfig } from './worker-tuning.js';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Kysely<Database>;
  carrier: Carrier;
  /** A client in the same namespace, for activities that ask about other workflows (reconciliation). */
  temporal: ActivityDeps['temporal'];
  /** Activity settings, and the tuning keys (concurrency, sticky cache) where given. */
  config: ActivityDeps['config'] & Partial<WorkerTuningConfig>;
  logger?: Logger;
  /** Resolves customer URL hosts for the SSRF guard in activities; defaults to the system resolver. */
  resolveHost?: ActivityDeps['resolveHost'];
  /** A prebuilt bundle (tests bundle once per file); otherwise `workflowsPath` is bundled. */
  workflowBundle?: WorkflowBundleOption;
  /** The payload codec (encryption), the same as the clients'; the SDK's default without one. */
  dataConverter?: DataConverter;
}

/** The provisioning/release worker with its activities bound to the given pool, carrier and config. */
export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const worker = await Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: createActivities({
      db: deps.db,
      carrier: deps.carrier,
      config: deps.config,
      temporal: deps.temporal,
      ...(deps.resolveHost ? { resolveHost: deps.resolveHost } : {}),
    }),
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
    ...(deps.dataConverter ? { dataConverter: deps.dataConverter } : {}),
    ...workerTuning(deps.config),
  });
  deps.logger?.info({ taskQueue: deps.taskQueue, namespace: deps.namespace }, 'worker created');
  return worker;
}
