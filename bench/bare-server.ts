import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';

/**
 * The read path's yardstick: a bare express app answering the same JSON bodies the API answered, with
 * no auth, database or middleware. Arguments: a JSON file `{ list, one }`.
 */
const bodies = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { list: unknown; one: unknown };
const app = express();
app.get('/numbers', (_req, res) => {
  res.json(bodies.list);
});
app.get('/numbers/:id', (_req, res) => {
  res.json(bodies.one);
});
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}` }));
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
