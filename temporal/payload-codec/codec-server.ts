import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { JSONToPayload, payloadToJSON, type JSONPayload } from '@temporalio/common/lib/proto-utils.js';
import type { Logger } from 'pino';
import { PayloadDecryptionError } from './encryption-codec.js';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The bearer token `/encode` and `/decode` require (PAYLOAD_CODEC_SERVER_TOKEN). */
  token: string;
  /** Browser origins (the Web UI's) allowed to call it; others get no CORS headers. */
  allowedOrigins: readonly string[];
  /**
   * Also accept the token as the first path segment (`/<token>/decode`), for a Web UI that cannot send
   * an Authorization header of our choosing (the dev server's, which `npm start` points here). Off in a deployment.
   */
  tokenInPath?: boolean;
  host: string;
  port: number;
  logger?: Logger;
}

export interface CodecServer {
  /** `http://host:port`, the endpoint to give the CLI (`--codec-endpoint`) or an auth proxy. */
  url: string;
  /** The endpoint for a Web UI that cannot send the header (with `tokenInPath`): the token is in it. */
  uiEndpoint: string;
  close(): Promise<void>;
}

/** Bodies up to this size; the Web UI sends one event's payloads per request. */
const maxBodyBytes = 8 * 1024 * 1024;
const routes = new Set(['/encode', '/decode']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Temporal's remote codec contract: `POST /encode` and `POST /decode` take and answer
 * `{"payloads": [...]}` in protobuf JSON (metadata values and data base64). The Web UI and the
 * `temporal` CLI call it to show (and to encode) payloads only key holders may read, so it asks for
 * `Authorization: Bearer <token>`. CORS preflights from the allowed origins are answered without it.
 */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const expected = digest(options.token);
  const tokenMatches = (candidate: string) => timingSafeEqual(digest(candidate), expected);
  const origins = new Set(options.allowedOrigins);

  function corsHeaders(request: IncomingMessage): Record<string, string> {
    const origin = request.headers.origin;
    if (!origin || !origins.has(origin)) return { Vary: 'Origin' };
    return {
      Vary: 'Origin',
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
      'Access-Control-Max-Age': '600',
    };
  }

  /** The route (`/encode`, `/decode`) the request is for once authorized; throws 401 or 404. */
  function authorize(request: IncomingMessage): string {
    const path = new URL(request.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '');
    const header = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (routes.has(path)) {
      if (header && tokenMatches(header)) return path;
      throw new HttpError(401, 'unauthorized', 'send Authorization: Bearer <PAYLOAD_CODEC_SERVER_TOKEN>');
    }
    const inPath = /^\/([^/]+)(\/(?:encode|decode))$/.exec(path);
    if (options.tokenInPath && inPath && tokenMatches(decodeURIComponent(inPath[1]!))) return inPath[2]!;
    if (inPath) throw new HttpError(401, 'unauthorized', 'send Authorization: Bearer <PAYLOAD_CODEC_SERVER_TOKEN>');
    throw new HttpError(404, 'not_found', 'the codec server answers POST /encode and POST /decode');
  }

  async function readPayloads(request: IncomingMessage): Promise<Payload[]> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes) throw new HttpError(413, 'payload_too_large', `the body limit is ${maxBodyBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_json', 'the body must be JSON: {"payloads": [...]}');
    }
    const payloads = (body as { payloads?: unknown } | null)?.payloads;
    if (!Array.isArray(payloads)) throw new HttpError(422, 'validation_error', 'the body must be {"payloads": [...]}');
    return payloads.map((payload, index) => {
      try {
        return JSONToPayload(payload as JSONPayload);
      } catch {
        throw new HttpError(422, 'validation_error', `payloads[${index}] is not a payload in protobuf JSON (base64 metadata values and data)`);
      }
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const cors = corsHeaders(request);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { ...cors, ...headers, 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'OPTIONS') {
      response.writeHead(204, cors);
      response.end();
      return;
    }
    try {
      const route = authorize(request);
      if (request.method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${route} takes POST`);
      const payloads = await readPayloads(request);
      const converted = route === '/encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
      send(200, { payloads: converted.map(payloadToJSON) });
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.status === 401) options.logger?.warn({ remoteAddress: request.socket.remoteAddress }, 'codec request without a valid token');
        send(error.status, { error: error.code, detail: error.message }, error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
      } else if (error instanceof PayloadDecryptionError) {
        send(422, { error: 'payload_not_decryptable', detail: error.message });
      } else {
        options.logger?.error({ err: error }, 'codec server failed');
        send(500, { error: 'internal_error', detail: 'the codec server failed; see its log' });
      }
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  return {
    url,
    uiEndpoint: options.tokenInPath ? `${url}/${encodeURIComponent(options.token)}` : url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
