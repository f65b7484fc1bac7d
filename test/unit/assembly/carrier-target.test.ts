import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { assemble } from '../../../assembly/assemble.js';
import { carrierTarget, sandboxApiKey, webhookPublicKey } from '../../../assembly/carrier-target.js';
import { embeddedShutdown } from '../../../assembly/embedded-shutdown.js';
import { loadConfig } from '../../../config/config.js';
import { startSandbox, type Sandbox } from '../../../sandbox/server.js';

const telnyxPublicKey = Buffer.alloc(32, 7).toString('base64');
const liveTelnyx = {
  TELNYX_API_KEY: 'KEY0123456789',
  TELNYX_BASE_URL: 'https://api.telnyx.example/v2',
  TELNYX_CONNECTION_ID: 'connection-1',
  DEPLOYMENT_ID: 'production',
};

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('carrierTarget: the one choice between Telnyx and the sandbox', () => {
  it('when there is no TELNYX_API_KEY, then the carrier is the sandbox at TELNYX_BASE_URL with the sandbox key', () => {
    const target = carrierTarget(loadConfig({ TELNYX_BASE_URL: 'http://127.0.0.1:4999/v2' }));

    expect(target).toEqual({ kind: 'sandbox', apiKey: sandboxApiKey, baseURL: 'http://127.0.0.1:4999/v2', publicKey: undefined });
  });

  it('when there is no key and a sandbox was started, then the carrier is that sandbox and its key signs the webhooks', () => {
    const target = carrierTarget(loadConfig({ TELNYX_PUBLIC_KEY: telnyxPublicKey }), sandbox);

    expect(target).toEqual({ kind: 'sandbox', apiKey: sandboxApiKey, baseURL: sandbox.baseURL, publicKey: sandbox.publicKey });
  });

  it('when TELNYX_API_KEY is set, then the carrier is Telnyx at the configured base URL with that key, even with a sandbox started', () => {
    const target = carrierTarget(loadConfig({ ...liveTelnyx, TELNYX_PUBLIC_KEY: telnyxPublicKey }), sandbox);

    expect(target).toEqual({ kind: 'telnyx', apiKey: 'KEY0123456789', baseURL: 'https://api.telnyx.example/v2', publicKey: telnyxPublicKey });
  });

  it('when TELNYX_API_KEY is set without TELNYX_PUBLIC_KEY, then the webhook key is refused and nothing is fetched', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const target = carrierTarget(loadConfig(liveTelnyx), sandbox);

    await expect(webhookPublicKey(target)).rejects.toThrow('TELNYX_PUBLIC_KEY is required when TELNYX_API_KEY is set');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('when the sandbox at TELNYX_BASE_URL has no known key, then its key comes from its /_sandbox/public-key', async () => {
    const target = carrierTarget(loadConfig({ TELNYX_BASE_URL: sandbox.baseURL }));

    expect(await webhookPublicKey(target)).toBe(sandbox.publicKey);
  });
});

describe('the assembly builds the carrier it was told', () => {
  /** What the carrier the assembly builds sends for one list call: where, and with which key. */
  async function firstRequestOf(env: NodeJS.ProcessEnv): Promise<{ url: string; authorization: string | null }> {
    const seen: { url: string; authorization: string | null }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      seen.push({ url: request.url, authorization: request.headers.get('authorization') });
      return Response.json({ data: [], meta: { total_pages: 1, page_number: 1 } });
    });
    await assemble({ env, shutdown: embeddedShutdown() }).carrier().listOwnedNumbers();
    expect(seen.length).toBeGreaterThan(0);
    return seen[0]!;
  }

  it('when TELNYX_API_KEY is set, then the carrier calls Telnyx at the configured base URL with that key', async () => {
    const request = await firstRequestOf({ ...liveTelnyx, LOG_LEVEL: 'silent' });

    expect(request.url.startsWith('https://api.telnyx.example/v2/phone_numbers')).toBe(true);
    expect(request.authorization).toBe('Bearer KEY0123456789');
  });

  it('when there is no TELNYX_API_KEY, then the carrier calls the sandbox at TELNYX_BASE_URL with the sandbox key', async () => {
    const request = await firstRequestOf({ TELNYX_BASE_URL: 'http://127.0.0.1:4999/v2', LOG_LEVEL: 'silent' });

    expect(request.url.startsWith('http://127.0.0.1:4999/v2/phone_numbers')).toBe(true);
    expect(request.authorization).toBe(`Bearer ${sandboxApiKey}`);
  });
});
