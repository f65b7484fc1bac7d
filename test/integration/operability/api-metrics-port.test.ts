import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../../api/start-api-server.js';
import { createWebhookVerifier } from '../../../carrier/webhook-verifier.js';
import { freePort } from '../../../sandbox/free-port.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { startMainProcess } from '../../support/main-process.js';
import { parsePrometheusText, sampleValue } from '../../support/prometheus-text.js';

let h: ApiHarness;
const servers: ApiServer[] = [];
const blockers: Server[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  h = await startApiHarness({ worker: false });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) await server.close();
  await Promise.all(blockers.map((blocker) => new Promise((done) => blocker.close(done))));
  await h?.close();
});

const webhookPublicKey = Buffer.alloc(32, 7).toString('base64');

/** An API over the harness's stack with API_METRICS_ADDRESS set. */
async function startWithMetricsAddress(address: string): Promise<ApiServer> {
  const server = await startApiServer(
    {
      config: { ...h.config, API_METRICS_ADDRESS: address },
      db: h.db,
      temporal: h.temporal,
      webhookVerifier: createWebhookVerifier(webhookPublicKey),
      logger: pino({ level: 'silent' }),
    },
    0,
  );
  servers.push(server);
  return server;
}

const refused = (url: string) => fetch(url).then(() => false, () => true);

describe('API_METRICS_ADDRESS: /metrics on an internal port of its own', () => {
  it('when it is set, then /metrics is served there only, counting the public port\'s requests, and the public port answers 404', async () => {
    const server = await startWithMetricsAddress('127.0.0.1:0');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const publicMetrics = await fetch(`${server.url}/metrics`);
    const internal = await fetch(server.metricsUrl!);

    expect(publicMetrics.status).toBe(404);
    expect(await publicMetrics.json()).toMatchObject({ error: 'not_found' });
    expect(internal.status).toBe(200);
    const samples = parsePrometheusText(await internal.text());
    expect(sampleValue(samples, 'http_requests_total', { method: 'GET', route: '/healthz', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect((await fetch(server.metricsUrl!.replace(/\/metrics$/, '/healthz'))).status).toBe(404);
  });

  it('when it is unset, then /metrics stays on the API port and no second server starts', async () => {
    const server = await startApiServer(
      { config: h.config, db: h.db, temporal: h.temporal, webhookVerifier: createWebhookVerifier(webhookPublicKey), logger: pino({ level: 'silent' }) },
      0,
    );
    servers.push(server);

    expect(h.config.API_METRICS_ADDRESS).toBeUndefined();
    expect(server.metricsUrl).toBeUndefined();
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });

  it('when the API closes, then the metrics server closes with it', async () => {
    const server = await startWithMetricsAddress('127.0.0.1:0');
    expect((await fetch(server.metricsUrl!)).status).toBe(200);

    await server.close();
    servers.splice(servers.indexOf(server), 1);

    expect(await refused(server.metricsUrl!)).toBe(true);
    expect(await refused(`${server.url}/healthz`)).toBe(true);
  });

  it('when the metrics port is taken, then the API does not start and leaves its own port free', async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const apiPort = await freePort();

    await expect(
      startApiServer(
        {
          config: { ...h.config, API_METRICS_ADDRESS: `127.0.0.1:${taken}` },
          db: h.db,
          temporal: h.temporal,
          webhookVerifier: createWebhookVerifier(webhookPublicKey),
          logger: pino({ level: 'silent' }),
        },
        apiPort,
      ),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(await refused(`http://127.0.0.1:${apiPort}/healthz`)).toBe(true);
  });

  it('when npm run api runs with it (compiled dist/main/api.js), then it logs the metrics URL, serves it, and frees both ports on SIGTERM', async () => {
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const api = await startMainProcess({
      script: 'dist/main/api.js',
      ready: 'API listening',
      env: { TELNYX_PUBLIC_KEY: webhookPublicKey, PORT: String(apiPort), API_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`, WORKER_METRICS_ADDRESS: '' },
      children,
    });
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;

    expect(api.lines().find((line) => line.msg === 'API metrics served')).toMatchObject({ metricsUrl });
    expect((await fetch(metricsUrl)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${apiPort}/metrics`)).status).toBe(404);

    api.child.kill('SIGTERM');

    expect(await api.exited).toBe(0);
    expect(await refused(metricsUrl)).toBe(true);
  });
});
