import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TestCertificates } from './tls-certificates.js';

/** One incoming-call webhook the receiver took: its exact bytes (the signature covers them) and headers. */
export interface ReceivedCallWebhook {
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** How the receiver answers a path: a status and a body (JSON unless a string), or never (`hang`). */
export type CustomerReply = { status?: number; headers?: Record<string, string>; body?: unknown } | 'hang';

/**
 * A customer's incoming-call webhook receiver on loopback over HTTPS, with a certificate of the test CA
 * (`localhost` and 127.0.0.1). Each test answers on a path of its own (`answerOn`), so tests of one file
 * never read each other's deliveries; a path nobody set up answers 404.
 */
export async function startCustomerCallReceiver(certificates: TestCertificates) {
  const received: ReceivedCallWebhook[] = [];
  const replies = new Map<string, (request: ReceivedCallWebhook) => CustomerReply>();
  const sockets = new Set<Socket>();

  const answer = (res: ServerResponse, reply: CustomerReply) => {
    if (reply === 'hang') return;
    const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
    res.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers }).end(body);
  };

  const server = createServer(
    { cert: certificates.read(certificates.serverCertPath), key: certificates.read(certificates.serverKeyPath) },
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'https://receiver').pathname;
        const request = { path, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers as Record<string, string> };
        received.push(request);
        const reply = replies.get(path);
        answer(res, reply ? reply(request) : { status: 404, body: { detail: 'no reply set up for this path' } });
      });
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    port,
    /** The CA PEM the worker must trust to reach this receiver. */
    ca: certificates.read(certificates.caPath),
    /** `https://<host>:<port><path>`, answering with `reply` from now on. */
    answerOn(path: string, reply: CustomerReply | ((request: ReceivedCallWebhook) => CustomerReply), host = '127.0.0.1'): string {
      replies.set(path, typeof reply === 'function' ? reply : () => reply);
      return `https://${host}:${port}${path}`;
    },
    /** The deliveries to `path`, in order. */
    receivedOn: (path: string) => received.filter((request) => request.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type CustomerCallReceiver = Awaited<ReturnType<typeof startCustomerCallReceiver>>;
