import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TestCertificates } from '../../support/tls-certificates.js';

/** One request a receiver took, with the local address it was reached on (which pinned address was dialled). */
export interface ReceivedRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
  localAddress: string;
}

/** What a path answers: a status, headers and body, optionally after a delay; `hang` never answers. */
export type Reply = { status?: number; headers?: Record<string, string>; body?: string | object | Buffer; delayMs?: number } | 'hang';

/**
 * An HTTPS receiver on one loopback address, with the test CA's certificate (`localhost`, 127.0.0.1).
 * Each path answers as `on` set it (404 otherwise); every request is recorded.
 */
export async function startHttpsReceiver(certificates: TestCertificates, host = '127.0.0.1', port = 0) {
  const received: ReceivedRequest[] = [];
  const replies = new Map<string, Reply>();
  const sockets = new Set<Socket>();

  const answer = (res: ServerResponse, reply: Reply) => {
    if (reply === 'hang') return;
    const body = reply.body === undefined ? '' : typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body);
    setTimeout(() => {
      if (!res.destroyed) res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(body);
    }, reply.delayMs ?? 0);
  };

  const server: Server = createServer(
    { cert: certificates.read(certificates.serverCertPath), key: certificates.read(certificates.serverKeyPath) },
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'https://receiver').pathname;
        received.push({ path, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers as Record<string, string>, localAddress: req.socket.localAddress ?? '' });
        answer(res, replies.get(path) ?? { status: 404, body: { detail: 'no reply set up' } });
      });
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as { port: number }).port;

  return {
    port: bound,
    received,
    /** `https://<urlHost>:<port><path>`, answering `reply` from now on. */
    on(path: string, reply: Reply, urlHost = '127.0.0.1'): string {
      replies.set(path, reply);
      return `https://${urlHost}:${bound}${path}`;
    },
    receivedOn: (path: string) => received.filter((request) => request.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type HttpsReceiver = Awaited<ReturnType<typeof startHttpsReceiver>>;
