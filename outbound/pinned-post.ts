import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

/** One HTTPS POST to a host whose address was approved beforehand. */
export interface PinnedPost {
  url: URL;
  /** The approved address: the connection goes there and nowhere else (no lookup of its own). */
  address: string;
  body: string;
  headers: Record<string, string>;
  /** A 2xx body longer than this is not read past it. */
  maxResponseBytes: number;
  signal: AbortSignal;
  /** Extra trusted CA (PEM), in place of the system's: for test receivers with their own certificate. */
  ca?: string | Buffer;
}

/** How the POST ended; the body is read for a 2xx only (a redirect's or an error's is never read). */
export type PinnedPostResult =
  | { kind: 'body'; status: number; body: Buffer }
  | { kind: 'too_large'; status: number }
  | { kind: 'not_2xx'; status: number; location: string | null }
  | { kind: 'failed'; message: string };

/**
 * Answers every lookup with the approved address, so the socket connects there while the request keeps
 * the host name for the Host header, TLS SNI and the certificate check.
 */
function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function readBody(response: IncomingMessage, maxBytes: number): Promise<PinnedPostResult> {
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.destroy();
    const location = response.headers.location;
    return Promise.resolve({ kind: 'not_2xx', status, location: location ?? null });
  }
  if (Number(response.headers['content-length']) > maxBytes) {
    response.destroy();
    return Promise.resolve({ kind: 'too_large', status });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Settled before destroying: the destroyed stream's own 'aborted' must not win.
        resolve({ kind: 'too_large', status });
        response.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    response.on('end', () => resolve({ kind: 'body', status, body: Buffer.concat(chunks) }));
    response.on('error', (error) => resolve({ kind: 'failed', message: `the connection broke while the answer was read: ${error.message}` }));
    response.on('aborted', () => resolve({ kind: 'failed', message: 'the connection broke while the answer was read' }));
  });
}

/** POSTs over HTTPS to `address`, with no redirects followed and no connection reused; never rejects. */
export function postToPinnedAddress(post: PinnedPost): Promise<PinnedPostResult> {
  return new Promise((resolve) => {
    const payload = Buffer.from(post.body, 'utf8');
    let answered = false;
    const outgoing = request(
      {
        host: post.url.hostname.replace(/^\[|\]$/g, ''),
        port: post.url.port || 443,
        path: `${post.url.pathname}${post.url.search}`,
        method: 'POST',
        headers: { ...post.headers, 'content-length': String(payload.length) },
        lookup: pinnedLookup(post.address),
        agent: false,
        signal: post.signal,
        ...(post.ca ? { ca: post.ca } : {}),
      },
      (response) => {
        answered = true;
        void readBody(response, post.maxResponseBytes).then(resolve);
      },
    );
    // Once a response has begun, readBody alone says how it ended.
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered) resolve({ kind: 'failed', message: error.code ? `${error.code}: ${error.message}` : error.message });
    });
    outgoing.end(payload);
  });
}
