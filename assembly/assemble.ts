import { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import type { ApiServer } from '../api/start-api-server.js';
import type { Carrier } from '../carrier/carrier.js';
import { createTelnyxCarrier } from '../carrier/telnyx-carrier.js';
import { createWebhookVerifier, type WebhookVerifier } from '../carrier/webhook-verifier.js';
import { loadConfig, type Config } from '../config/config.js';
import { connectServiceDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrator.js';
import type { Database } from '../db/schema.js';
import { onShutdown, type Shutdown } from '../lifecycle/on-shutdown.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';
import { payloadDataConverter } from '../temporal/payload-codec/data-converter.js';
import type { RunningWorker } from '../worker/run-worker.js';
import { carrierTarget, webhookPublicKey, type CarrierTarget } from './carrier-target.js';
import { once } from './once.js';
import type { AssemblyOverrides } from './overrides.js';

/**
 * The service, built piece by piece on demand: each piece at most once, after the pieces it needs,
 * and registered with `shutdown` as it is built, so closing runs in reverse (the API and worker
 * before the connections and the database they use).
 */
export interface Assembly {
  readonly config: Config;
  readonly logger: Logger;
  /** The one shutdown path: everything the assembly builds is closed through it, plus what the caller adds. */
  readonly shutdown: Shutdown;
  /** Telnyx or the sandbox, as `carrierTarget` decided from the config. */
  readonly carrierTarget: CarrierTarget;
  /** Installs the Temporal runtime (unless told not to); where the worker's metrics are served, if anywhere. */
  temporalRuntime(): Promise<{ metricsAddress: string | undefined }>;
  /** Kysely on DATABASE_URL, or the embedded PostgreSQL under DATA_DIR; migrated if asked. */
  database(): Promise<Kysely<Database>>;
  carrier(): Carrier;
  webhookVerifier(): Promise<WebhookVerifier>;
  /** A client on a lazy connection: it connects on first use, so an API can start before Temporal is up. */
  temporalClient(): Client;
  /** The worker's connection to Temporal (installs the runtime first). */
  workerConnection(): Promise<NativeConnection>;
  /** The provisioning/release worker, created and running; shutdown drains it. */
  worker(): Promise<RunningWorker>;
  /**
   * Creates or updates the reconciliation schedule; a failure is logged, not thrown. For `npm start`
   * only: in a deployment `npm run temporal:setup` keeps the schedule, never the workers.
   */
  reconcileSchedule(): Promise<void>;
  /** The HTTP API listening on PORT and HOST. */
  apiServer(): Promise<ApiServer>;
}

/**
 * The one assembly of the service; what differs between its users is `overrides`. The worker's and
 * the API's modules load only when that piece is built: an API process never holds the Temporal
 * core bridge, nor a worker process express and the OpenAPI document.
 */
export function assemble(overrides: AssemblyOverrides = {}): Assembly {
  const config = overrides.config ?? loadConfig(overrides.env ?? process.env);
  const logger = overrides.logger ?? pino({ level: config.LOG_LEVEL });
  const shutdown = overrides.shutdown ?? onShutdown([], { onError: (error) => logger.warn({ err: error }, 'error while stopping') });
  const target = carrierTarget(config, overrides.sandbox);
  const connectionOptions = once(() => overrides.temporalConnection ?? temporalConnectionOptions(config));
  // Read now, so a bad PAYLOAD_CODEC_KEYS stops the process at start; the same codec for every client and worker.
  const dataConverter = payloadDataConverter(config);

  const temporalRuntime = once(async () => {
    if (overrides.installTemporalRuntime === false) return { metricsAddress: undefined };
    const { installTemporalRuntime } = await import('../worker/temporal-runtime.js');
    const { metricsAddress } = installTemporalRuntime({ logger, metricsAddress: config.WORKER_METRICS_ADDRESS });
    if (metricsAddress) logger.info({ metricsUrl: `http://${metricsAddress}/metrics` }, 'worker metrics served');
    return { metricsAddress };
  });

  const database = once(async () => {
    if (overrides.database) return overrides.database;
    const db = connectServiceDatabase(config, logger);
    shutdown.add(() => db.destroy());
    if (overrides.migrate) await migrateToLatest(db);
    return db;
  });

  const carrier = once(() => overrides.carrier ?? createTelnyxCarrier({ apiKey: target.apiKey, baseURL: target.baseURL }));

  const webhookVerifier = once(async () => overrides.webhookVerifier ?? createWebhookVerifier(await webhookPublicKey(target)));

  const temporalClient = once(() => {
    if (overrides.temporalClient) return overrides.temporalClient;
    const connection = Connection.lazy(connectionOptions());
    shutdown.add(() => connection.close());
    return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, ...(dataConverter ? { dataConverter } : {}) });
  });

  const workerConnection = once(async () => {
    await temporalRuntime();
    const { NativeConnection } = await import('@temporalio/worker');
    const connection = await NativeConnection.connect(connectionOptions());
    shutdown.add(() => connection.close());
    return connection;
  });

  const worker = once(async () => {
    const db = await database();
    const temporal = temporalClient();
    const connection = await workerConnection();
    const [{ bundleWorkflowsApart }, { prebuiltWorkflowBundle }, { createWorker }, { runWorker }] = await Promise.all([
      import('../worker/bundle-workflows-apart.js'),
      import('../worker/prebuilt-workflow-bundle.js'),
      import('../worker/create-worker.js'),
      import('../worker/run-worker.js'),
    ]);
    const prebuilt = overrides.workflowBundle ?? (config.WORKFLOW_BUNDLE_PATH ? prebuiltWorkflowBundle(config.WORKFLOW_BUNDLE_PATH) : undefined);
    if (!overrides.workflowBundle && prebuilt) logger.info({ codePath: config.WORKFLOW_BUNDLE_PATH }, 'workflows from a prebuilt bundle');
    const apart = prebuilt ? undefined : await bundleWorkflowsApart();
    const workflowBundle = apart ? { codePath: apart.codePath } : prebuilt;
    const created = await createWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: overrides.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
      db,
      carrier: carrier(),
      temporal,
      config,
      logger,
      ...(workflowBundle ? { workflowBundle } : {}),
      ...(dataConverter ? { dataConverter } : {}),
      ...(overrides.resolveHost ? { resolveHost: overrides.resolveHost } : {}),
    }).finally(() => apart?.dispose());
    const running = runWorker(created);
    shutdown.add(() => running.stop());
    return running;
  });

  const reconcileSchedule = once(async () => {
    const { setUpReconcileSchedule } = await import('../worker/reconcile-schedule.js');
    await setUpReconcileSchedule(temporalClient(), config, logger);
  });

  const apiServer = once(async () => {
    const db = await database();
    const temporal = temporalClient();
    const verifier = await webhookVerifier();
    const { startApiServer } = await import('../api/start-api-server.js');
    const server = await startApiServer(
      { config, db, temporal, webhookVerifier: verifier, logger, ...(overrides.resolveHost ? { resolveHost: overrides.resolveHost } : {}) },
      config.PORT,
      config.HOST,
    );
    shutdown.add(() => server.close());
    if (server.metricsUrl) logger.info({ metricsUrl: server.metricsUrl }, 'API metrics served');
    return server;
  });

  return {
    config,
    logger,
    shutdown,
    carrierTarget: target,
    temporalRuntime,
    database,
    carrier,
    webhookVerifier,
    temporalClient,
    workerConnection,
    worker,
    reconcileSchedule,
    apiServer,
  };
}
