import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiServer, type ApiServer } from '../../../api/start-api-server.js';
import { createWebhookVerifier } from '../../../carrier/webhook-verifier.js';
import { createDatabase } from '../../../db/connect.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { freePort } from '../../../sandbox/free-port.js';

let h: ApiHarness;
const extraServers: ApiServer[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  h = await startApiHarness({ worker: false });
});
afterAll(async () => {
  for (const server of extraServers) await server.close();
  for (const close of closers) await close().catch(() => undefined);
  await h?.close();
});

const verifier = () => createWebhookVerifier(Buffer.alloc(32, 7).toString('base64'));

/** Another API process over the same stack, with some of its dependencies swapped. */
async function startVariant(overrides: Partial<Parameters<typeof startApiServer>[0]>) {
  const server = await startApiServer(
    { config: h.config, db: h.db, temporal: h.temporal, webhookVerifier: verifier(), logger: pino({ level: 'silent' }), ...overrides },
    0,
  );
  extraServers.push(server);
  return server;
}

const get = (server: ApiServer, path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

describe('rate limit', () => {
  test('when one key exceeds its requests per minute, then 429 rate_limited with Retry-After, and another key is unaffected', async () => {
    const server = await startVariant({ config: { ...h.config, API_RATE_LIMIT_PER_MINUTE: 3 } });
    const busy = await h.newOrganization();
    const calm = await h.newOrganization();

    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await get(server, '/numbers', { 'x-api-key': busy.apiKey })).status);
    const limited = await get(server, '/numbers', { 'x-api-key': busy.apiKey });
    const other = await get(server, '/numbers', { 'x-api-key': calm.apiKey });

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited', detail: expect.any(String) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(other.status).toBe(200);
  });
});

describe('logs', () => {
  test('when a request carries an API key, then it is logged as one JSON line with its request id and no key', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const server = await startVariant({ logger: pino({ level: 'info' }, sink) });
    const org = await h.newOrganization();

    await get(server, '/numbers', { 'x-api-key': org.apiKey, 'x-request-id': 'log-check-1' });
    await get(server, '/numbers', { authorization: `Bearer ${org.apiKey}`, 'x-request-id': 'log-check-2' });

    const entries = lines.map((line) => JSON.parse(line) as { req?: { id?: string }; res?: { statusCode?: number } });
    expect(entries.filter((entry) => entry.req?.id === 'log-check-1' || entry.req?.id === 'log-check-2')).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(org.apiKey);
  });
});

describe('dependencies down', () => {
  test('when the database is unreachable, then 503 unavailable with Retry-After; /readyz 503, /healthz 200', async () => {
    const deadDb = createDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${await freePort()}/test`, dataDir: '.data', poolSize: 1 });
    closers.push(() => deadDb.destroy());
    const server = await startVariant({ db: deadDb });

    const api = await get(server, '/numbers', { 'x-api-key': 'ink_any' });
    const ready = await get(server, '/readyz');
    const health = await get(server, '/healthz');

    expect(api.status).toBe(503);
    expect(await api.json()).toMatchObject({ error: 'unavailable' });
    expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ready.status).toBe(503);
    expect(health.status).toBe(200);
  });

  test('when Temporal is unreachable, then POST /numbers answers 503 unavailable and /readyz 503', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 1000 });
    closers.push(() => connection.close());
    const server = await startVariant({ temporal: new Client({ connection, namespace: 'default' }) });
    const org = await h.newOrganization();

    const response = await fetch(`${server.url}/numbers`, {
      method: 'POST',
      headers: { 'x-api-key': org.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ agent_handle: 'agent' }),
    });
    const ready = await get(server, '/readyz');

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'unavailable' });
    expect(ready.status).toBe(503);
  });

  test('when something unexpected fails, then 500 internal_error with a generic detail and no internals', async () => {
    const broken = {
      workflow: {
        start: () => Promise.reject(new Error('password=hunter2 at /srv/secret.ts:12')),
      },
    } as unknown as Client;
    const server = await startVariant({ temporal: broken });
    const org = await h.newOrganization();

    const response = await fetch(`${server.url}/numbers`, {
      method: 'POST',
      headers: { 'x-api-key': org.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ agent_handle: 'agent' }),
    });
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ detail: 'Internal server error', error: 'internal_error' });
    expect(text).not.toContain('hunter2');
  });
});
