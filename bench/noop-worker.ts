import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../config/config.js';
import { workerTuning } from '../worker/worker-tuning.js';
import { createNoopActivities } from './noop-activities.js';

/**
 * The engine-ceiling worker: the production worker's settings, the no-op chain as its own
 * workflowsPath, on the task queue given as the first argument.
 */
const config = loadConfig();
const taskQueue = process.argv[2] ?? 'bench-noop';
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue,
  workflowsPath: fileURLToPath(new URL('./workflows/noop-chain.ts', import.meta.url)),
  activities: createNoopActivities(),
  ...workerTuning(config),
});
const running = worker.run();
console.log(JSON.stringify({ ready: true, taskQueue }));
await running;
await connection.close();
