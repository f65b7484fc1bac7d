import Telnyx from 'telnyx';

/** Telnyx's webhook envelope (number_order.complete, call.* and the rest). */
export interface TelnyxEvent {
  data: {
    event_type: string;
    id: string;
    occurred_at: string;
    record_type: 'event';
    payload: Record<string, unknown>;
  };
  meta?: { attempt?: number; delivered_to?: string };
}

/** A webhook that is unsigned, stale, tampered with, signed by another key, or not an event. */
export class WebhookVerificationError extends Error {
  readonly type = 'webhook_verification_failed';

  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Verifies a Telnyx webhook over its raw body and flat headers; rejects anything unsigned, stale or tampered. */
export type WebhookVerifier = (rawBody: string, headers: Record<string, string>) => Promise<TelnyxEvent>;

const toleranceSeconds = 300;

function header(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

/**
 * Verifies Telnyx's Ed25519 signature over `${timestamp}|${rawBody}` with the SDK, and the ±300 s
 * window itself too, so replay protection does not hang on one SDK version's behaviour.
 */
export function createWebhookVerifier(publicKeyBase64: string): WebhookVerifier {
  if (Buffer.from(publicKeyBase64, 'base64').length !== 32) {
    throw new Error('TELNYX_PUBLIC_KEY must be the base64 of a 32-byte Ed25519 public key');
  }
  const client = new Telnyx({ apiKey: null, publicKey: publicKeyBase64, clientID: null, clientSecret: null });

  return async (rawBody, headers) => {
    const timestamp = Number(header(headers, 'telnyx-timestamp'));
    if (!Number.isSafeInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) {
      throw new WebhookVerificationError('telnyx-timestamp missing or outside the 300 s window');
    }
    let event: unknown;
    try {
      event = await client.webhooks.unwrap(rawBody, { headers });
    } catch (error) {
      throw new WebhookVerificationError(`signature rejected: ${error instanceof Error ? error.message : String(error)}`);
    }
    const data = (event as Partial<TelnyxEvent> | null)?.data;
    if (typeof data?.event_type !== 'string' || typeof data.payload !== 'object' || data.payload === null) {
      throw new WebhookVerificationError('signed body is not a Telnyx event');
    }
    return event as TelnyxEvent;
  };
}
