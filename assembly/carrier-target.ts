import type { Config } from '../config/config.js';

/** The API key sent to a sandbox: it wants some bearer token and checks none. */
export const sandboxApiKey = 'sandbox';

/** A sandbox someone already started (`npm start`, a test, a tool): where it listens and, if known, its signing key. */
export interface StartedSandbox {
  /** Its `/v2` base URL, the SDK's `baseURL`. */
  baseURL: string;
  /** Base64 Ed25519 key it signs webhooks with; asked of its `/_sandbox/public-key` when not given. */
  publicKey?: string;
}

/** Which carrier a process talks to, with what key, and the webhook signing key where it is known already. */
export interface CarrierTarget {
  kind: 'telnyx' | 'sandbox';
  apiKey: string;
  /** Ends in `/v2`. */
  baseURL: string;
  /** Known signing key; for a sandbox without one, `webhookPublicKey` asks it. */
  publicKey: string | undefined;
}

export type CarrierTargetConfig = Pick<Config, 'TELNYX_API_KEY' | 'TELNYX_BASE_URL' | 'TELNYX_PUBLIC_KEY'>;

/**
 * The one place that decides between Telnyx and the sandbox. A TELNYX_API_KEY means Telnyx at
 * TELNYX_BASE_URL with TELNYX_PUBLIC_KEY, and nothing of a sandbox, not even one passed in. Without a
 * key the carrier is the sandbox: the started one if given, else the one at TELNYX_BASE_URL.
 */
export function carrierTarget(config: CarrierTargetConfig, sandbox?: StartedSandbox): CarrierTarget {
  if (config.TELNYX_API_KEY) {
    return { kind: 'telnyx', apiKey: config.TELNYX_API_KEY, baseURL: config.TELNYX_BASE_URL, publicKey: config.TELNYX_PUBLIC_KEY };
  }
  return {
    kind: 'sandbox',
    apiKey: sandboxApiKey,
    baseURL: sandbox?.baseURL ?? config.TELNYX_BASE_URL,
    // A started sandbox's own key first: it is the one that signs.
    publicKey: sandbox?.publicKey ?? config.TELNYX_PUBLIC_KEY,
  };
}

/**
 * The key webhooks are verified with: the target's, or a sandbox's from its `/_sandbox/public-key`.
 * Telnyx without TELNYX_PUBLIC_KEY is refused: its key is never fetched, and never a sandbox's.
 */
export async function webhookPublicKey(target: CarrierTarget): Promise<string> {
  if (target.publicKey) return target.publicKey;
  if (target.kind === 'telnyx') throw new Error('TELNYX_PUBLIC_KEY is required when TELNYX_API_KEY is set');
  const sandboxUrl = target.baseURL.replace(/\/v2\/?$/, '');
  const response = await fetch(`${sandboxUrl}/_sandbox/public-key`);
  if (!response.ok) throw new Error(`the sandbox at ${sandboxUrl} did not give its public key (${response.status})`);
  return ((await response.json()) as { public_key: string }).public_key;
}
