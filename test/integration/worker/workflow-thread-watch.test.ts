import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type LogEntry } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WatchedWorker } from '../../../worker/workflow-thread-watch.js';

const logged: LogEntry[] = [];
Runtime.install({ logger: new DefaultLogger('WARN', (entry) => void logged.push(entry)) });

/** The worker the service runs (`createWorker` creates a `WatchedWorker`) against the real SDK and server. */
describe('WatchedWorker', () => {
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: 'default' });
  });

  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  it('when workflow code spins without yielding past the SDK 5 s isolate timeout, then the watch logs it and terminates the thread, and the worker fails instead of hanging', async () => {
    const taskQueue = `watched-${randomUUID()}`;
    const worker = await WatchedWorker.create({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowsPath: new URL('../../fixtures/workflows/spin.ts', import.meta.url).pathname,
    });
    const running = worker.run();
    const failed = running.then(
      () => undefined,
      (error: unknown) => error,
    );

    const echoed = await client.workflow.execute('echo', { taskQueue, workflowId: `echo-${randomUUID()}`, args: ['still answering'] });
    const spinning = await client.workflow.start('spin', { taskQueue, workflowId: `spin-${randomUUID()}` });
    const error = await failed;

    expect(echoed).toBe('still answering');
    expect(error).toBeInstanceOf(Error);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: expect.stringContaining('Workflow thread answered nothing for over 5000 ms'),
        meta: expect.objectContaining({ workflowType: 'spin', workflowId: spinning.workflowId, call: 'activate' }),
      }),
    );
    await spinning.terminate('test over');
  });
});
