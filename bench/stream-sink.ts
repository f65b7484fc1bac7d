import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';

/**
 * The agent end of the call scenario's media streams: a `wss` server on loopback (a throwaway self-signed
 * certificate made with openssl; the sandbox is told to accept it) that takes every connection and drops
 * what it receives, in a process of its own so the frames cost the load driver nothing. Prints `{ ready, url }`.
 */
const dir = mkdtempSync(join(tmpdir(), 'bench-stream-sink-'));
execFileSync(
  'openssl',
  ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'key.pem', '-out', 'cert.pem'],
  { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
);
const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
const sockets = new WebSocketServer({ server });
sockets.on('connection', (socket) => socket.on('message', () => undefined));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ ready: true, url: `wss://127.0.0.1:${port}/agent` }));
});
process.once('SIGTERM', () => {
  sockets.close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
