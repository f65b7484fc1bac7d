import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { createTelnyxCarrier } from '../carrier/telnyx-carrier.js';
import { loadConfig } from '../config/config.js';
import { connectServiceDatabase } from '../db/connect.js';
import { onShutdown } from '../lifecycle/on-shutdown.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';
import { bundleWorkflowsApart } from './bundle-workflows-apart.js';
import { createWorker } from './create-worker.js';
import { setUpReconcileSchedule } from './reconcile-schedule.js';
import { runWorker } from './run-worker.js';
import { installTemporalRuntime } from './temporal-runtime.js';

/** `npm run worker`: runs provisioning and release until SIGINT/SIGTERM, then drains and closes. */
const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL });
const shutdown = onShutdown([], { onError: (error) => logger.error({ err: error }, 'error while shutting down') });

try {
  const { metricsAddress } = installTemporalRuntime({ logger, metricsAddress: config.WORKER_METRICS_ADDRESS });
  if (metricsAddress) logger.info({ metricsUrl: `http://${metricsAddress}/metrics` }, 'worker metrics served');
  const db = connectServiceDatabase(config, logger);
  shutdown.add(() => db.destroy());
  const carrier = createTelnyxCarrier({ apiKey: config.TELNYX_API_KEY ?? 'sandbox', baseURL: config.TELNYX_BASE_URL });
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  shutdown.add(() => connection.close());
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const bundle = await bundleWorkflowsApart();
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    db,
    carrier,
    temporal,
    config,
    logger,
    workflowBundle: { codePath: bundle.codePath },
  }).finally(() => bundle.dispose());
  await setUpReconcileSchedule(temporal, config, logger);
  const running = runWorker(worker);
  shutdown.add(() => running.stop());
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  await running.done;
  await shutdown.shutdown(0);
} catch (error) {
  logger.fatal({ err: error }, 'worker failed');
  await shutdown.shutdown(1);
}
