import { createHmac } from 'node:crypto';

/** What one delivery of an Inkbox-style webhook is signed over. */
export interface InkboxWebhookSignatureInput {
  /** Unique per delivery: a receiver may use it to drop replays. */
  requestId: string;
  /** Unix seconds. */
  timestamp: number;
  /** The exact body sent (UTF-8): the signature covers its bytes. */
  body: string;
  /** The identity's key, `whsec_…` as shown to the customer. */
  signingKey: string;
}

/** The headers a receiver checks with `inkbox.verify_webhook(payload=, headers=, secret=)`. */
export interface InkboxWebhookHeaders {
  'X-Inkbox-Request-Id': string;
  'X-Inkbox-Timestamp': string;
  'X-Inkbox-Signature': string;
}

/**
 * Inkbox's webhook signature: `sha256=` and the hex HMAC-SHA256 of `"{request_id}.{timestamp}." + body`,
 * keyed with the signing key's text after its `whsec_` prefix (as text, not hex-decoded, as the SDK does).
 */
export function signInkboxWebhook({ requestId, timestamp, body, signingKey }: InkboxWebhookSignatureInput): InkboxWebhookHeaders {
  const key = signingKey.startsWith('whsec_') ? signingKey.slice('whsec_'.length) : signingKey;
  const signature = createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(Buffer.from(`${requestId}.${timestamp}.`, 'utf8'))
    .update(Buffer.from(body, 'utf8'))
    .digest('hex');
  return {
    'X-Inkbox-Request-Id': requestId,
    'X-Inkbox-Timestamp': String(timestamp),
    'X-Inkbox-Signature': `sha256=${signature}`,
  };
}
