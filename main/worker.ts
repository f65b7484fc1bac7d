import { assemble } from '../assembly/assemble.js';

/**
 * `npm run worker`: runs provisioning and release until SIGINT/SIGTERM, then drains and closes. It leaves
 * the reconciliation schedule alone: `npm run temporal:setup` keeps it, so workers with differing config
 * cannot overwrite or pause it for each other.
 */
const { config, logger, shutdown, worker } = assemble();

try {
  const running = await worker();
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  await running.done;
  await shutdown.shutdown(0);
} catch (error) {
  logger.fatal({ err: error }, 'worker failed');
  await shutdown.shutdown(1);
}
