import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { requestLogging } from '../../../api/middleware/request-logging.js';

type Line = Record<string, unknown> & { msg: string; level: number };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An app with requestLogging in front of a route that logs through req.log once the organization is known. */
async function loggedApp(level: string) {
  const lines: Line[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  const app = express();
  app.use(requestLogging(logger));
  app.get('/work', (req, res) => {
    req.log?.info('before auth');
    res.locals.organizationId = 'org-1';
    req.log?.warn({ detail: 1 }, 'after auth');
    res.json({ ok: true });
  });
  return { lines, url: await listen(createServer(app)) };
}

describe('request logging', () => {
  test('when a route logs through req.log, then each line carries the request id and the context known at that moment', async () => {
    const { lines, url } = await loggedApp('info');

    const response = await fetch(`${url}/work?x=1`, { headers: { 'x-request-id': 'req-42' } });
    await response.json();
    await expect.poll(() => lines.length).toBe(3);

    expect(response.headers.get('x-request-id')).toBe('req-42');
    expect(lines[0]).toMatchObject({ msg: 'before auth', req: { id: 'req-42' } });
    expect(lines[0]).not.toHaveProperty('organizationId');
    expect(lines[1]).toMatchObject({ msg: 'after auth', detail: 1, req: { id: 'req-42' }, organizationId: 'org-1' });
    expect(lines[2]).toMatchObject({
      msg: 'request completed',
      req: { id: 'req-42', method: 'GET', url: '/work?x=1' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
      organizationId: 'org-1',
    });
    expect(Object.keys(lines[2]!).filter((key) => !['level', 'time', 'pid', 'hostname', 'msg'].includes(key))).toEqual([
      'req',
      'res',
      'responseTime',
      'organizationId',
    ]);
  });

  test('when the request id is missing or not sane, then one is made; when the level is off, then no closing line is written', async () => {
    const { lines, url } = await loggedApp('error');

    const response = await fetch(`${url}/work`, { headers: { 'x-request-id': 'has space' } });
    await response.json();

    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toEqual([]);
  });

  test('when a request never passed requestLogging, then req.log is undefined until something assigns it', async () => {
    const seen: unknown[] = [];
    const url = await listen(
      createServer((req: IncomingMessage, res) => {
        seen.push(req.log);
        req.log = pino({ level: 'silent' });
        seen.push(typeof req.log.info);
        res.end();
      }),
    );

    await (await fetch(url)).text();

    expect(seen).toEqual([undefined, 'function']);
  });
});
