import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { assemble, type Assembly } from '../../assembly/assemble.js';
import { onShutdown, type Closer, type Shutdown } from '../../lifecycle/on-shutdown.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { workflowBundle } from '../support/workflow-harness.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});

/** A lifecycle shutdown that exits nothing and listens to no signal, recording what was registered and how it ended. */
function recordedShutdown() {
  const registered: Closer[] = [];
  const errors: unknown[] = [];
  const exitCodes: number[] = [];
  const inner = onShutdown([], { signals: [], exit: (code) => void exitCodes.push(code), onError: (error) => void errors.push(error) });
  const shutdown: Shutdown = {
    add: (closer) => {
      registered.push(closer);
      inner.add(closer);
    },
    shutdown: (code) => inner.shutdown(code),
  };
  return { shutdown, registered, errors, exitCodes };
}

async function assembleForTest(shutdown: Shutdown, withWorker: boolean): Promise<Assembly> {
  return assemble({
    env: {
      DATABASE_URL: inject('databaseUrl'),
      DATABASE_POOL_SIZE: '2',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `assembly-${randomUUID()}`,
      PORT: '0',
      LOG_LEVEL: 'silent',
    },
    logger: pino({ level: 'silent' }),
    shutdown,
    sandbox,
    installTemporalRuntime: false,
    ...(withWorker ? { workflowBundle: await workflowBundle() } : {}),
  });
}

describe('the assembly', () => {
  it('when every piece is asked for twice at once, then each is built once and registered once with the shutdown', async () => {
    const recorded = recordedShutdown();
    const assembly = await assembleForTest(recorded.shutdown, true);

    const [db1, db2] = await Promise.all([assembly.database(), assembly.database()]);
    const [verifier1, verifier2] = await Promise.all([assembly.webhookVerifier(), assembly.webhookVerifier()]);
    const [worker1, worker2] = await Promise.all([assembly.worker(), assembly.worker()]);
    const [api1, api2] = await Promise.all([assembly.apiServer(), assembly.apiServer()]);

    expect(db2).toBe(db1);
    expect(assembly.carrier()).toBe(assembly.carrier());
    expect(verifier2).toBe(verifier1);
    expect(assembly.temporalClient()).toBe(assembly.temporalClient());
    expect(await assembly.workerConnection()).toBe(await assembly.workerConnection());
    expect(worker2).toBe(worker1);
    expect(api2).toBe(api1);
    // The database, the client's connection, the worker's connection, the worker and the API server.
    expect(recorded.registered).toHaveLength(5);
    await recorded.shutdown.shutdown();
    expect(recorded.errors).toEqual([]);
  });

  it('when only the API is asked for, then no worker connection and no worker are built', async () => {
    const recorded = recordedShutdown();
    const assembly = await assembleForTest(recorded.shutdown, false);

    const api = await assembly.apiServer();

    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    // The database, the client's connection and the API server.
    expect(recorded.registered).toHaveLength(3);
    await recorded.shutdown.shutdown();
  });

  it('when it shuts down, then the API, worker, worker connection, client connection and database close once each, in that order', async () => {
    const recorded = recordedShutdown();
    const assembly = await assembleForTest(recorded.shutdown, true);
    const db = await assembly.database();
    const running = await assembly.worker();
    const api = await assembly.apiServer();
    const closes = {
      api: vi.spyOn(api, 'close'),
      worker: vi.spyOn(running, 'stop'),
      workerConnection: vi.spyOn(await assembly.workerConnection(), 'close'),
      clientConnection: vi.spyOn(assembly.temporalClient().connection, 'close'),
      database: vi.spyOn(db, 'destroy'),
    };

    await Promise.all([recorded.shutdown.shutdown(), recorded.shutdown.shutdown()]);

    for (const close of Object.values(closes)) expect(close).toHaveBeenCalledTimes(1);
    const order = Object.entries(closes).sort(([, a], [, b]) => a.mock.invocationCallOrder[0]! - b.mock.invocationCallOrder[0]!);
    expect(order.map(([name]) => name)).toEqual(['api', 'worker', 'workerConnection', 'clientConnection', 'database']);
    expect(recorded.exitCodes).toEqual([0]);
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
  });

  it('when one closer throws, then the others still close, the error is reported and the exit code is 1', async () => {
    const recorded = recordedShutdown();
    const assembly = await assembleForTest(recorded.shutdown, false);
    const db = await assembly.database();
    const api = await assembly.apiServer();
    const connection = assembly.temporalClient().connection;
    const failure = new Error('the client connection would not close');
    const clientClose = vi.spyOn(connection, 'close').mockRejectedValueOnce(failure);
    const apiClose = vi.spyOn(api, 'close');
    const destroy = vi.spyOn(db, 'destroy');

    await recorded.shutdown.shutdown();

    expect(apiClose).toHaveBeenCalledTimes(1);
    expect(clientClose).toHaveBeenCalledTimes(1);
    expect(destroy).toHaveBeenCalledTimes(1);
    expect(apiClose.mock.invocationCallOrder[0]).toBeLessThan(clientClose.mock.invocationCallOrder[0]!);
    expect(clientClose.mock.invocationCallOrder[0]).toBeLessThan(destroy.mock.invocationCallOrder[0]!);
    expect(recorded.errors).toEqual([failure]);
    expect(recorded.exitCodes).toEqual([1]);
    clientClose.mockRestore();
    await connection.close();
  });
});
