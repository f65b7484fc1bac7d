import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { startApiServer } from '../api/start-api-server.js';
import { startSandbox } from '../sandbox/server.js';
import { createWebhookVerifier } from '../carrier/webhook-verifier.js';
import { loadConfig } from '../config/config.js';
import { createDatabase } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import { startDevServer, type DevServer } from '../temporal/dev-server.js';
import { freePort } from '../sandbox/free-port.js';
import { createSandboxControl, type SandboxControl } from '../sandbox/control-client.js';
import { createChaosDatabase, type ChaosDatabase } from './chaos-database.js';
import type { Profile } from './profiles.js';
import { createWorkerProcess, type WorkerProcess } from './worker-process.js';

export interface ChaosStack {
  apiUrl: string;
  taskQueue: string;
  /** Temp folder with the Temporal SQLite file and the worker's and API's logs. */
  dir: string;
  temporalAddress: string;
  database: ChaosDatabase;
  /** The chaos run's own pool, for setup and the invariants. */
  db: Kysely<Database>;
  temporal: Client;
  control: SandboxControl;
  worker: WorkerProcess;
  /** Stops the dev server and starts it again on the same SQLite file and port. */
  restartTemporal(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The local stack on loopback: Temporal dev server on a SQLite file, a fresh PostgreSQL database,
 * the sandbox and the API in this process, and the worker as a child process that can be SIGKILLed.
 */
export async function startChaosStack(profile: Profile, serverUrl: string): Promise<ChaosStack> {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-'));
  const closers: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const temporalPort = await freePort();
    const devServerOptions = { port: temporalPort, uiPort: null, namespace: 'default', dbFile: join(dir, 'temporal.sqlite') };
    let devServer: DevServer = await startDevServer(devServerOptions);
    closers.push(() => devServer.stop());

    const database = await createChaosDatabase(serverUrl);
    closers.push(() => database.drop());
    const db = createDatabase({ databaseUrl: database.url, dataDir: dir, poolSize: 4 });
    closers.push(() => db.destroy());

    const sandbox = await startSandbox({ port: 0 });
    closers.push(() => sandbox.stop());
    const control = createSandboxControl(sandbox.url);
    await control.configure({ inventory: { toll_free: 50_000, local: { default: 0, NY: 5_000 } } });

    const taskQueue = `chaos-${process.pid}`;
    const stackEnv = {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TELNYX_BASE_URL: sandbox.baseURL,
      ORDER_DEADLINE_MS: String(profile.orderDeadlineMs),
      // Above the longest order-list lag the soak injects (6 s), and short enough to keep the load flowing.
      CARRIER_LIST_LAG_MS: '10000',
      PROVISION_WAIT_MS: String(profile.provisionWaitMs),
      ORG_NUMBER_LIMIT: String(profile.orgNumberLimit),
      API_RATE_LIMIT_PER_MINUTE: '1000000',
    };
    // No metrics port to collide on, and no reconciliation sweep: compensation alone must hold the invariants.
    const workerEnv = { ...stackEnv, LOG_LEVEL: 'warn', WORKER_METRICS_ADDRESS: '', RECONCILE_ENABLED: 'false' };
    const worker = createWorkerProcess(workerEnv, join(dir, 'worker.log'));
    worker.start();
    closers.push(() => worker.stop());

    const connection = await Connection.connect({ address: devServer.address });
    closers.push(() => connection.close());
    const temporal = new Client({ connection, namespace: 'default' });
    const config = loadConfig({ ...stackEnv, LOG_LEVEL: 'warn' });
    const logger = pino({ level: 'warn' }, pino.destination({ dest: join(dir, 'api.log'), sync: false }));
    const apiDb = createDatabase({ databaseUrl: database.url, dataDir: dir, poolSize: 10 });
    closers.push(() => apiDb.destroy());
    const api = await startApiServer({ config, db: apiDb, temporal, webhookVerifier: createWebhookVerifier(sandbox.publicKey), logger }, 0);
    closers.push(() => api.close());
    await control.configure({ webhook_url: `${api.url}/webhooks/telnyx` });

    return {
      apiUrl: api.url,
      taskQueue,
      dir,
      temporalAddress: devServer.address,
      database,
      db,
      temporal,
      control,
      worker,
      async restartTemporal(downMs) {
        await devServer.stop();
        await sleep(downMs);
        devServer = await startDevServer(devServerOptions);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
