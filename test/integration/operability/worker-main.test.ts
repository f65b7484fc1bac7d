import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../sandbox/free-port.js';
import { startMainProcess } from '../../support/main-process.js';
import { parsePrometheusText } from '../../support/prometheus-text.js';
import { waitFor } from '../../support/workflow-harness.js';

const children: ChildProcess[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
});

/** `npm run worker` on its own task queue, once it logs that it runs. */
const startWorkerMain = (metricsAddress: string) =>
  startMainProcess({
    script: 'dist/main/worker.js',
    ready: 'worker running',
    env: {
      TEMPORAL_TASK_QUEUE: `worker-main-${randomUUID()}`,
      WORKER_METRICS_ADDRESS: metricsAddress,
      // The dev server is shared by the whole run: no unscoped sweep schedule on it.
      RECONCILE_ENABLED: 'false',
    },
    children,
  });

describe('npm run worker: logs and metrics', () => {
  it('when the worker runs, then it logs JSON only, serves temporal_ metrics on WORKER_METRICS_ADDRESS, and exits 0 on SIGINT', async () => {
    const address = `127.0.0.1:${await freePort()}`;

    const worker = await startWorkerMain(address);

    expect(worker.lines().find((line) => line.msg === 'worker metrics served')).toMatchObject({ metricsUrl: `http://${address}/metrics` });
    const samples = await waitFor(async () => {
      const response = await fetch(`http://${address}/metrics`);
      const parsed = parsePrometheusText(await response.text());
      return response.status === 200 && parsed.some((sample) => sample.name.startsWith('temporal_')) ? parsed : undefined;
    }, 'temporal_ metrics from the worker');
    expect(samples.every((sample) => sample.name.startsWith('temporal_'))).toBe(true);

    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
    expect(worker.stderr()).toBe('');
    expect(worker.lines().length).toBeGreaterThan(2);
  });

  it('when the metrics address is taken, then the worker still runs and logs an error naming the address', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    servers.push(blocker);
    await new Promise((resolve) => blocker.once('listening', resolve));

    const worker = await startWorkerMain(`127.0.0.1:${port}`);

    expect(worker.lines().find((line) => line.level === 50)).toMatchObject({
      metricsAddress: `127.0.0.1:${port}`,
      msg: 'worker metrics cannot be served; running without them',
    });
    expect(worker.lines().some((line) => line.msg === 'worker metrics served')).toBe(false);
    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
  });
});
