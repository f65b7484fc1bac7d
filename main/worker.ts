import { assemble } from '../assembly/assemble.js';

/** `npm run worker`: runs provisioning and release until SIGINT/SIGTERM, then drains and closes. */
const { config, logger, shutdown, worker, reconcileSchedule } = assemble();

try {
  const running = await worker();
  await reconcileSchedule();
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  await running.done;
  await shutdown.shutdown(0);
} catch (error) {
  logger.fatal({ err: error }, 'worker failed');
  await shutdown.shutdown(1);
}
