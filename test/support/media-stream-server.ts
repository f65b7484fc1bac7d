import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { makeTestCertificates } from './tls-certificates.js';

/** A JSON text frame a media-stream connection received, as parsed, with when it arrived. */
export interface ReceivedStreamFrame {
  at: number;
  event: string;
  frame: Record<string, any>;
}

/** One WebSocket connection Telnyx (the sandbox) opened to the server: one call's stream. */
export interface MediaStreamConnection {
  /** Every text frame received, parsed, in arrival order (`connected`, `start`, `media`…, `stop`). */
  frames: ReceivedStreamFrame[];
  /** From the `start` frame; null until it arrives. */
  readonly callControlId: string | null;
  readonly streamId: string | null;
  readonly clientState: string | null;
  /** The request path and query the connection was opened with. */
  path: string;
  closed: boolean;
  /** Sends `{"event": "media", "media": {"payload": <base64>}}`: audio to play to the caller (bidirectional RTP). */
  sendMedia(payload: Buffer | string): void;
  /** Sends any frame as JSON text (or a raw string as is). */
  send(frame: unknown): void;
  /** Resolves with the first frame (already received or arriving within `timeoutMs`, default 10 s) that matches. */
  waitForFrame(match: (frame: ReceivedStreamFrame) => boolean, timeoutMs?: number): Promise<ReceivedStreamFrame>;
  /** Resolves when `count` frames of the event (e.g. `media`) have been received. */
  waitForEvents(event: string, count: number, timeoutMs?: number): Promise<ReceivedStreamFrame[]>;
  /** Closes the connection from the server's side. */
  close(code?: number): void;
}

export interface MediaStreamServer {
  /** `wss://127.0.0.1:<port>/media` (`ws://` with `tls: false`). */
  url: string;
  /** PEM of the CA that signed the server's certificate (not trusted by anything unless given to it). */
  caPem: Buffer | null;
  /** Every connection, in the order they were opened. */
  connections: MediaStreamConnection[];
  /** The connection whose `start` frame names the call; waits for it (default 10 s). */
  connectionFor(callControlId: string, timeoutMs?: number): Promise<MediaStreamConnection>;
  close(): Promise<void>;
}

async function waitUntil<T>(find: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`media stream server: ${what()} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A loopback WebSocket server that plays the customer's media-stream endpoint: by default `wss` with a
 * certificate from a throwaway CA (so the sandbox must be told `media_tls_insecure: true`), recording
 * every frame it receives and able to send media back. Close it in `afterAll`.
 */
export async function startMediaStreamServer(options: { tls?: boolean } = {}): Promise<MediaStreamServer> {
  const tls = options.tls ?? true;
  let caPem: Buffer | null = null;
  let server: Server;
  if (tls) {
    const certificates = makeTestCertificates();
    caPem = certificates.read(certificates.caPath);
    server = createHttpsServer({ cert: certificates.read(certificates.serverCertPath), key: certificates.read(certificates.serverKeyPath) });
  } else {
    server = createHttpServer();
  }
  const sockets = new WebSocketServer({ server });
  const connections: MediaStreamConnection[] = [];

  sockets.on('connection', (socket: WebSocket, request) => {
    const frames: ReceivedStreamFrame[] = [];
    let start: Record<string, any> | null = null;
    const connection: MediaStreamConnection = {
      frames,
      get callControlId() {
        return start?.start?.call_control_id ?? null;
      },
      get streamId() {
        return start?.stream_id ?? null;
      },
      get clientState() {
        return start?.start?.client_state ?? null;
      },
      path: request.url ?? '/',
      closed: false,
      sendMedia(payload) {
        connection.send({ event: 'media', media: { payload: typeof payload === 'string' ? payload : payload.toString('base64') } });
      },
      send(frame) {
        socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      },
      waitForFrame(match, timeoutMs = 10_000) {
        return waitUntil(() => frames.find(match), timeoutMs, () => `no matching frame (received ${frames.map((each) => each.event).join(', ') || 'none'})`);
      },
      waitForEvents(event, count, timeoutMs = 10_000) {
        return waitUntil(
          () => {
            const matching = frames.filter((each) => each.event === event);
            return matching.length >= count ? matching : undefined;
          },
          timeoutMs,
          () => `fewer than ${count} ${event} frames`,
        );
      },
      close(code = 1000) {
        socket.close(code);
      },
    };
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let frame: Record<string, any>;
      try {
        frame = JSON.parse(String(data)) as Record<string, any>;
      } catch {
        return;
      }
      if (frame.event === 'start') start = frame;
      frames.push({ at: Date.now(), event: String(frame.event), frame });
    });
    socket.on('close', () => (connection.closed = true));
    connections.push(connection);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/media`,
    caPem,
    connections,
    connectionFor(callControlId, timeoutMs = 10_000) {
      return waitUntil(() => connections.find((each) => each.callControlId === callControlId), timeoutMs, () => `no stream for ${callControlId}`);
    },
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
