import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sendJson } from '../../../api/middleware/send-json.js';

const value = { id: 'é-1', list: [1, null, 'x'], nested: { ok: true } };
let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/express', (_req, res) => {
    res.json(value);
  });
  app.get('/ours', (_req, res) => {
    sendJson(res, value);
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((done) => server.close(done)));

/** Status, the headers that are not the date, and the body. */
async function answer(path: string, method = 'GET') {
  const response = await fetch(`${url}${path}`, { method, headers: { 'if-none-match': '*' } });
  const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'date'));
  return { status: response.status, headers, body: await response.text() };
}

describe('sendJson', () => {
  test('when it answers, then status, headers and body are those res.json gives in this app, for GET and HEAD', async () => {
    for (const method of ['GET', 'HEAD']) {
      const ours = await answer('/ours', method);
      expect(ours).toEqual(await answer('/express', method));
      expect(ours.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    expect(JSON.parse((await answer('/ours')).body)).toEqual(value);
  });
});
