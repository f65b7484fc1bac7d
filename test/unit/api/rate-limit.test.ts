import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { MemoryStore } from 'express-rate-limit';
import { afterEach, describe, expect, test } from 'vitest';
import { renderErrors } from '../../../api/errors/render-error.js';
import { perKeyRateLimit } from '../../../api/middleware/rate-limit.js';
import pino from 'pino';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** An app whose "authentication" takes the key id from a header, then the per-key limit. */
async function limitedApp(limit: number, store: MemoryStore) {
  const app = express();
  app.use((req, res, next) => {
    res.locals.apiKeyId = req.headers['x-key-id'];
    next();
  });
  app.use(perKeyRateLimit(limit, store));
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(renderErrors(pino({ level: 'silent' })));
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('per-key rate limit', () => {
  test('when a key makes its requests, then each answer carries the draft-7 headers and the one past the limit is 429 with Retry-After', async () => {
    const store = new MemoryStore();
    const url = await limitedApp(2, store);
    const send = () => fetch(url, { headers: { 'x-key-id': 'key-a' } });

    const answers = [await send(), await send(), await send()];
    const other = await fetch(url, { headers: { 'x-key-id': 'key-b' } });

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get('ratelimit-policy'))).toEqual(['2;w=60', '2;w=60', '2;w=60']);
    expect(answers.map((answer) => answer.headers.get('ratelimit'))).toEqual([
      expect.stringMatching(/^limit=2, remaining=1, reset=(59|60)$/),
      expect.stringMatching(/^limit=2, remaining=0, reset=(59|60)$/),
      expect.stringMatching(/^limit=2, remaining=0, reset=(59|60)$/),
    ]);
    expect(await answers[2]!.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(answers[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(other.status).toBe(200);
    expect((await store.get('key:key-a'))?.totalHits).toBe(3);
    store.shutdown();
  });

  test('when it runs before authentication set a key id, then the request fails instead of sharing one budget', async () => {
    const store = new MemoryStore();
    const url = await limitedApp(2, store);

    const answer = await fetch(url);

    expect(answer.status).toBe(500);
    store.shutdown();
  });
});
