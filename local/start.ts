import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { startApiServer } from '../api/start-api-server.js';
import { startSandbox } from '../sandbox/server.js';
import { createTelnyxCarrier } from '../carrier/telnyx-carrier.js';
import { createWebhookVerifier } from '../carrier/webhook-verifier.js';
import { loadConfig } from '../config/config.js';
import { connectServiceDatabase } from '../db/connect.js';
import { onShutdown } from '../lifecycle/on-shutdown.js';
import { migrateToLatest } from '../db/migrator.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';
import { startDevServer } from '../temporal/dev-server.js';
import { createWorker } from '../worker/create-worker.js';
import { setUpReconcileSchedule } from '../worker/reconcile-schedule.js';
import { runWorker } from '../worker/run-worker.js';
import { installTemporalRuntime } from '../worker/temporal-runtime.js';
import { ensureLocalDeploymentId } from './deployment-id.js';
import { ensureLocalCredentials } from './local-credentials.js';

/** The whole stack in one command on embedded defaults; each piece is stopped in reverse on Ctrl-C. */
// Read before the config, which needs the id (a real Telnyx key refuses to start without one); '.data' is DATA_DIR's default.
const deploymentId = process.env.DEPLOYMENT_ID || ensureLocalDeploymentId(resolve(process.env.DATA_DIR || '.data'));
const config = loadConfig({ ...process.env, DEPLOYMENT_ID: deploymentId });
const logger = pino({ level: config.LOG_LEVEL });
const dataDir = resolve(config.DATA_DIR);
const shutdown = onShutdown([], { onError: (error) => logger.warn({ err: error }, 'error while stopping') });

async function start() {
  const { metricsAddress } = installTemporalRuntime({ logger, metricsAddress: config.WORKER_METRICS_ADDRESS });
  const db = connectServiceDatabase({ ...config, DATA_DIR: dataDir }, logger);
  shutdown.add(() => db.destroy());
  await migrateToLatest(db);

  const devServer = config.TEMPORAL_ADDRESS
    ? null
    : await startDevServer({
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        dbFile: join(dataDir, 'temporal.sqlite'),
      });
  if (devServer) shutdown.add(() => devServer.stop());
  const temporalConnection = devServer ? { address: devServer.address } : temporalConnectionOptions(config);
  const temporalUiUrl = devServer?.uiUrl ?? null;

  const apiUrl = `http://${config.HOST}:${config.PORT}`;
  let carrierConfig = { apiKey: config.TELNYX_API_KEY, baseURL: config.TELNYX_BASE_URL, publicKey: config.TELNYX_PUBLIC_KEY };
  if (!config.TELNYX_API_KEY) {
    const sandbox = await startSandbox({
      port: config.SANDBOX_PORT,
      stateFile: join(dataDir, 'sandbox.json'),
      webhookUrl: `${apiUrl}/webhooks/telnyx`,
    });
    shutdown.add(() => sandbox.stop());
    carrierConfig = { apiKey: 'sandbox', baseURL: sandbox.baseURL, publicKey: sandbox.publicKey };
  }
  if (!carrierConfig.publicKey) throw new Error('TELNYX_PUBLIC_KEY is required when TELNYX_API_KEY is set');
  const carrier = createTelnyxCarrier({ apiKey: carrierConfig.apiKey!, baseURL: carrierConfig.baseURL });

  const clientConnection = await Connection.connect(temporalConnection);
  shutdown.add(() => clientConnection.close());
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });

  const workerConnection = await NativeConnection.connect(temporalConnection);
  shutdown.add(() => workerConnection.close());
  const worker = await createWorker({
    connection: workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    db,
    carrier,
    temporal,
    config,
    logger,
  });
  shutdown.add(runWorker(worker).stop);
  await setUpReconcileSchedule(temporal, config, logger);
  const api = await startApiServer(
    { config, db, temporal, webhookVerifier: createWebhookVerifier(carrierConfig.publicKey), logger },
    config.PORT,
    config.HOST,
  );
  shutdown.add(() => api.close());

  const credentials = await ensureLocalCredentials(db, dataDir);
  logger.info(
    { apiUrl: api.url, temporalAddress: temporalConnection.address, temporalUiUrl, carrierBaseURL: carrierConfig.baseURL, workerMetricsUrl: metricsAddress ? `http://${metricsAddress}/metrics` : null },
    'local stack up',
  );
  // The banner is for the person at the terminal (it names the local key); the JSON line above is for machines.
  console.log(
    [
      '',
      'Phone numbers service is up.',
      `  API:          ${api.url}/api/v1/phone/numbers`,
      `  API key:      ${credentials.apiKey}`,
      `  API docs:     ${api.url}/docs`,
      `  Temporal UI:  ${temporalUiUrl ?? `(external cluster at ${temporalConnection.address})`}`,
      `  Metrics:      ${api.url}/metrics (API)${metricsAddress ? `, http://${metricsAddress}/metrics (worker)` : ''}`,
      `  Carrier:      ${config.TELNYX_API_KEY ? carrierConfig.baseURL : `Telnyx sandbox at ${carrierConfig.baseURL}`}`,
      `  Database:     ${config.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : `embedded PostgreSQL in ${join(dataDir, 'pglite')}`}`,
      '',
      `Try: curl -s -H 'X-API-Key: ${credentials.apiKey}' ${api.url}/api/v1/identities`,
      'Ctrl-C stops everything; the next `npm start` keeps the data.',
      '',
    ].join('\n'),
  );
}

start().catch(async (error: unknown) => {
  logger.fatal({ err: error }, 'local stack failed to start');
  await shutdown.shutdown(1);
});
