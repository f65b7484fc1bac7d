import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { assemble } from '../assembly/assemble.js';
import { closingOnFailure } from '../assembly/closing-on-failure.js';
import { embeddedShutdown } from '../assembly/embedded-shutdown.js';
import { startSandbox } from '../sandbox/server.js';
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
 * the sandbox and the API (built by the service's assembly) in this process, and the worker as a child
 * process (`main/worker.ts`, the root itself) that can be SIGKILLed. Everything stops through one
 * shutdown, in reverse.
 */
export async function startChaosStack(profile: Profile, serverUrl: string): Promise<ChaosStack> {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-'));
  const shutdown = embeddedShutdown();
  return closingOnFailure(shutdown, async () => {
    const temporalPort = await freePort();
    const devServerOptions = { port: temporalPort, uiPort: null, namespace: 'default', dbFile: join(dir, 'temporal.sqlite') };
    let devServer: DevServer = await startDevServer(devServerOptions);
    shutdown.add(() => devServer.stop());

    const database = await createChaosDatabase(serverUrl);
    shutdown.add(() => database.drop());
    // The chaos run's own pool, apart from the API's: setup and the invariants must not queue behind the load.
    const db = createDatabase({ databaseUrl: database.url, dataDir: dir, poolSize: 4 });
    shutdown.add(() => db.destroy());

    const sandbox = await startSandbox({ port: 0 });
    shutdown.add(() => sandbox.stop());
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
    shutdown.add(() => worker.stop());

    const assembly = assemble({
      env: { ...stackEnv, LOG_LEVEL: 'warn', PORT: '0' },
      logger: pino({ level: 'warn' }, pino.destination({ dest: join(dir, 'api.log'), sync: false })),
      shutdown,
      sandbox,
    });
    const temporal = assembly.temporalClient();
    const api = await assembly.apiServer();
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
      stop: () => shutdown.shutdown(),
    };
  });
}
