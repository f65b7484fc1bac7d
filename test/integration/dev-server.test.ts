import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAttributes } from '../../domain/search-attributes.js';
import { startDevServer, type DevServer } from '../../temporal/dev-server.js';
import { freePort } from '../../sandbox/free-port.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

describe('startDevServer', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dev-server-'));
  const dbFile = join(dataDir, 'temporal.sqlite');
  let server: DevServer;
  let uiPort: number;

  beforeAll(async () => {
    uiPort = await freePort();
    server = await startDevServer({ port: await freePort(), uiPort, namespace: 'default', dbFile });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when started on free ports, then it serves with the project search attributes and its UI and SQLite file', async () => {
    const connection = await Connection.connect({ address: server.address });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });

      expect(Object.keys(customAttributes ?? {})).toEqual(
        expect.arrayContaining(Object.values(searchAttributes).map((key) => key.name)),
      );
      expect(server.uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
      expect((await fetch(server.uiUrl!)).ok).toBe(true);
      expect(existsSync(dbFile)).toBe(true);
    } finally {
      await connection.close();
    }
  });

  it('when a worker polls it, then a workflow round trip completes with a searchable attribute', async () => {
    const taskQueue = `echo-${randomUUID()}`;
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const connection = await Connection.connect({ address: server.address });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowsPath: new URL('../fixtures/workflows/echo.ts', import.meta.url).pathname,
    });
    try {
      const client = new Client({ connection, namespace: 'default' });
      const organizationId = randomUUID();

      const handle = await client.workflow.start('echo', {
        taskQueue,
        workflowId: `echo-${randomUUID()}`,
        args: ['hello'],
        typedSearchAttributes: [{ key: searchAttributes.organizationId, value: organizationId }],
      });

      const result = await worker.runUntil(handle.result());

      expect(result).toBe('hello');
      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(searchAttributes.organizationId)).toBe(organizationId);
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});
