import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SandboxContext } from './context.js';
import { SandboxHttpError, telnyxErrors } from './errors.js';
import { FaultInputError } from './faults.js';
import { parseJsonBody, readBody, sendError, sendJson } from './http-util.js';
import { completeOrder, toOrderJson } from './orders.js';
import { handleV2Request } from './v2-request.js';
import { ControlInputError, handleControl, type ControlState } from './control-routes.js';
import { generateSigningKeys, loadSigningKeys } from './keys.js';
import { emptyState, loadState, saveState, type OrderRecord } from './state.js';
import { sendWebhook } from './webhook-sender.js';
import { createCallRegistry } from './call-registry.js';
import { CallControlError } from './control-calls.js';

export interface SandboxOptions {
  port: number;
  /** Defaults to 127.0.0.1; the control API answers loopback callers only. */
  host?: string;
  /** JSON file the state is kept in across restarts; in memory only when unset. */
  stateFile?: string;
  /** Where `number_order.complete` webhooks go (changeable through `/_sandbox/config`). */
  webhookUrl?: string;
  /**
   * Where in the numbering plan the pools start (default 0). Sandboxes that share one database (test
   * files) start at different points, as one real carrier never sells a number twice.
   */
  numberOffset?: number;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:4010 */
  url: string;
  /** url + '/v2', the SDK's `baseURL`. */
  baseURL: string;
  /** Base64 Ed25519 public key the webhooks are signed with. */
  publicKey: string;
  stop(): Promise<void>;
}

const isLoopback = (address: string | undefined) => address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

/** Starts the Telnyx sandbox: Telnyx's `/v2` subset plus the `/_sandbox` control API. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const initialWebhookUrl = options.webhookUrl ?? null;
  const state = loadState(options.stateFile, initialWebhookUrl);
  const keys = state.keys ? loadSigningKeys(state.keys.private_key_pem) : generateSigningKeys();
  state.keys = { private_key_pem: keys.privateKeyPem, public_key: keys.publicKey };
  state.number_offset = options.numberOffset ?? state.number_offset ?? 0;
  const timers = new Map<string, NodeJS.Timeout>();
  const stopping = new AbortController();
  const hungSockets = new Set<Socket>();

  const ctx: SandboxContext = {
    state,
    keys,
    calls: createCallRegistry({
      config: () => ctx.state.config,
      numbers: () => ctx.state.numbers,
      async deliver(eventId, eventType, payload) {
        const url = ctx.state.config.webhook_url;
        if (!url) return null;
        return sendWebhook(keys, url, eventType, payload, (delivery) => control.webhooks.push(delivery), stopping.signal, eventId);
      },
    }),
    persist: () => saveState(options.stateFile, ctx.state),
    scheduleCompletion(order: OrderRecord) {
      const delay = Math.max(0, (order.complete_at ?? Date.now()) - Date.now());
      timers.set(order.id, setTimeout(() => {
        timers.delete(order.id);
        const current = ctx.state.orders.find((each) => each.id === order.id);
        if (current?.outcome) completeOrder(ctx, current, current.outcome);
      }, delay));
    },
    orderCompleted(order: OrderRecord) {
      const url = ctx.state.config.webhook_url;
      if (!url) return;
      void sendWebhook(keys, url, 'number_order.complete', toOrderJson(structuredClone(order)), (delivery) => control.webhooks.push(delivery), stopping.signal);
    },
  };

  const control: ControlState = {
    faults: [],
    requests: [],
    webhooks: [],
    initialWebhookUrl,
    reset() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      const fresh = emptyState(initialWebhookUrl);
      Object.assign(ctx.state, fresh, { keys: ctx.state.keys, number_offset: ctx.state.number_offset });
      control.faults.length = 0;
      control.requests.length = 0;
      control.webhooks.length = 0;
      ctx.calls.clear();
      ctx.persist();
    },
  };

  for (const order of state.orders) if (order.status === 'pending' && order.outcome) ctx.scheduleCompletion(order);
  ctx.persist();

  async function handleControlRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'forbidden', detail: 'loopback only' });
    try {
      const body = parseJsonBody(await readBody(req));
      const answer = await handleControl(ctx, control, req.method ?? 'GET', url.pathname, body, url.searchParams);
      sendJson(res, answer.status, answer.body);
    } catch (error) {
      if (error instanceof ControlInputError || error instanceof FaultInputError) return sendJson(res, 400, { error: 'invalid_request', detail: error.message });
      if (error instanceof CallControlError) return sendJson(res, error.status, { error: error.code, detail: error.message });
      throw error;
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const v2 = (q: IncomingMessage, r: ServerResponse, u: URL) => handleV2Request(ctx, control, hungSockets, q, r, u);
    const handler = url.pathname.startsWith('/_sandbox/') ? handleControlRequest : url.pathname.startsWith('/v2/') ? v2 : null;
    if (!handler) return sendError(res, telnyxErrors.notFound('resource'));
    handler(req, res, url).catch((error: unknown) => {
      if (res.headersSent) return;
      sendError(res, error instanceof SandboxHttpError ? error : telnyxErrors.unexpected());
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    baseURL: `${url}/v2`,
    publicKey: keys.publicKey,
    async stop() {
      stopping.abort();
      ctx.calls.clear();
      for (const timer of timers.values()) clearTimeout(timer);
      for (const socket of hungSockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
