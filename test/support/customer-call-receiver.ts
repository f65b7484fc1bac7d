import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import type { TestCertificates } from './tls-certificates.js';

/** One request the receiver took: its exact bytes (the signature covers them), headers, and the local address it came in on. */
export interface ReceivedRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
  /** Which of the machine's addresses was dialled (a pinned address, under DNS rebinding). */
  localAddress: string;
}

/**
 * How the receiver answers a path: a status, headers and body (JSON unless a string or bytes),
 * optionally after a delay; or never (`hang`).
 */
export type CustomerReply = { status?: number; headers?: Record<string, string>; body?: unknown; delayMs?: number } | 'hang';

/**
 * A customer's webhook receiver on a loopback address over HTTPS, with a certificate of the test CA
 * (`localhost` and 127.0.0.1). Each test answers on a path of its own (`answerOn`), so tests of one
 * file never read each other's deliveries; a path nobody set up answers 404. Every request is recorded.
 */
export async function startCustomerCallReceiver(certificates: TestCertificates, { host = '127.0.0.1', port = 0 } = {}) {
  const received: ReceivedRequest[] = [];
  const replies = new Map<string, (request: ReceivedRequest) => CustomerReply>();
  const sockets = new Set<Socket>();

  const answer = (res: ServerResponse, reply: CustomerReply) => {
    if (reply === 'hang') return;
    const raw = typeof reply.body === 'string' || Buffer.isBuffer(reply.body);
    const body = reply.body === undefined ? '' : raw ? (reply.body as string | Buffer) : JSON.stringify(reply.body);
    setTimeout(() => {
      if (!res.destroyed) res.writeHead(reply.status ?? 200, { 'content-type': raw ? 'text/plain' : 'application/json', ...reply.headers }).end(body);
    }, reply.delayMs ?? 0);
  };

  const server = createServer(
    { cert: certificates.read(certificates.serverCertPath), key: certificates.read(certificates.serverKeyPath) },
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'https://receiver').pathname;
        const request = { path, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers as Record<string, string>, localAddress: req.socket.localAddress ?? '' };
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as { port: number }).port;

  return {
    port: bound,
    /** The CA PEM a client must trust to reach this receiver. */
    ca: certificates.read(certificates.caPath),
    /** Every request, in order. */
    received,
    /** `https://<urlHost>:<port><path>`, answering with `reply` from now on. */
    answerOn(path: string, reply: CustomerReply | ((request: ReceivedRequest) => CustomerReply), urlHost = '127.0.0.1'): string {
      replies.set(path, typeof reply === 'function' ? reply : () => reply);
      return `https://${urlHost}:${bound}${path}`;
    },
    /** The requests to `path`, in order. */
    receivedOn: (path: string) => received.filter((request) => request.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type CustomerCallReceiver = Awaited<ReturnType<typeof startCustomerCallReceiver>>;

/**
 * The test CA joins this process's trusted CAs, as NODE_EXTRA_CA_CERTS does for a deployment whose
 * customers use a private CA: the webhook client keeps its own checks, and no custom `ca` is passed to it.
 */
export function trustInThisProcess(certificates: TestCertificates): void {
  setDefaultCACertificates([...getCACertificates('default'), certificates.read(certificates.caPath).toString('utf8')]);
}
