import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors, sendError, sendJson, TelnyxHttpError } from './errors.js';
import { createInventory, type InventoryOptions } from './inventory.js';
import { routes } from './routes/index.js';
import { DoubleState, type DoubleBehaviour } from './state.js';

export interface TelnyxDoubleOptions {
  apiKey?: string;
  /** Connections (Call Control applications) the account has. */
  connectionIds?: string[];
  inventory?: InventoryOptions;
  behaviour?: Partial<DoubleBehaviour>;
}

const defaultBehaviour: DoubleBehaviour = {
  orderOutcome: 'success',
  orderDelayMs: 0,
  slowActivationMs: 60 * 60 * 1000,
  settleLagMs: 0,
  orderListLagMs: 2_000,
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

/** The raw 32-byte Ed25519 public key, base64, as Telnyx shows an account's webhook key. */
function webhookPublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
}

/**
 * A Telnyx double written from Telnyx's documentation only (see README.md): a plain HTTP server on a free
 * loopback port serving `/v2`, for the official SDK pointed at `baseURL`.
 */
export async function startTelnyxDouble(options: TelnyxDoubleOptions = {}) {
  const apiKey = options.apiKey ?? 'KEYdouble_test_key';
  const connectionIds = options.connectionIds ?? ['1494404757140276705'];
  const state = new DoubleState(
    createInventory(options.inventory ?? { tollFreeQuickship: 20, tollFreeSlow: 5, local: { VT: 10, NH: 5 } }),
    { ...defaultBehaviour, ...options.behaviour },
    connectionIds,
  );

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://double');
    const method = request.method ?? 'GET';
    const seen = { method, path: url.pathname, query: url.searchParams, status: 0, at: Date.now() };
    state.requests.push(seen);
    const answer = (status: number, body: unknown) => {
      seen.status = status;
      sendJson(response, status, body);
    };
    try {
      const text = await readBody(request);
      if (request.headers.authorization !== `Bearer ${apiKey}`) throw errors.unauthorized();
      if (!url.pathname.startsWith('/v2/')) throw errors.notFound('The requested resource or URL');
      state.tick();
      const fault = state.takeFault(method, url.pathname);
      const faultError = fault && new TelnyxHttpError(fault.status, { code: fault.code, title: fault.title, detail: 'Fault injected by the test.' });
      if (faultError && !fault.afterCommit) throw faultError;
      const path = url.pathname.slice('/v2'.length);
      const route = routes.find((candidate) => candidate.method === method && candidate.pattern.test(path));
      if (!route) throw errors.notFound('The requested resource or URL');
      let body: unknown;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          throw errors.badRequest('The request body is not valid JSON');
        }
      }
      const params = route.pattern.exec(path)!.slice(1);
      const result = route.handle({ state, params, query: url.searchParams, body });
      if (faultError) throw faultError;
      answer(result.status, result.body);
    } catch (error) {
      const telnyxError = error instanceof TelnyxHttpError ? error : new TelnyxHttpError(500, { code: '10007', title: 'Unexpected error', detail: String(error) });
      seen.status = telnyxError.status;
      sendError(response, telnyxError);
    }
  }

  const server = createServer((request, response) => void serve(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v2`,
    apiKey,
    connectionId: connectionIds[0]!,
    /** Base64 Ed25519 key, for TELNYX_PUBLIC_KEY; the double sends no webhooks (the service polls). */
    publicKey: webhookPublicKey(),
    state,
    /** Numbers the account holds, settled to now: every resource not deleted and not purchase-failed. */
    heldNumbers() {
      state.tick();
      return [...state.numbers.values()].filter((number) => number.status !== 'deleted' && number.status !== 'purchase-failed');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TelnyxDouble = Awaited<ReturnType<typeof startTelnyxDouble>>;
