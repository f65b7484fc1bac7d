import { randomUUID } from 'node:crypto';
import { signWebhook, type SigningKeys } from './keys.js';

export interface WebhookDelivery {
  event_id: string;
  event_type: string;
  url: string;
  attempt: number;
  /** HTTP status of the receiver's answer, or null when it could not be reached. */
  status: number | null;
  at: string;
}

const attempts = 3;
const retryDelayMs = 1000;

/**
 * Posts a signed Telnyx event, retrying a failed delivery like Telnyx does (fewer times); resolves with the
 * last attempt's status (null when the receiver could not be reached).
 */
export async function sendWebhook(
  keys: SigningKeys,
  url: string,
  eventType: string,
  payload: unknown,
  record: (delivery: WebhookDelivery) => void,
  signal: AbortSignal,
  id: string = randomUUID(),
): Promise<number | null> {
  let status: number | null = null;
  const occurredAt = new Date().toISOString();
  for (let attempt = 1; attempt <= attempts && !signal.aborted; attempt += 1) {
    const body = JSON.stringify({
      data: { event_type: eventType, id, occurred_at: occurredAt, record_type: 'event', payload },
      meta: { attempt, delivered_to: url },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    status = null;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'telnyx-timestamp': timestamp,
          'telnyx-signature-ed25519': signWebhook(keys.privateKey, timestamp, body),
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
      });
      status = response.status;
      await response.body?.cancel();
    } catch {
      status = null;
    }
    record({ event_id: id, event_type: eventType, url, attempt, status, at: new Date().toISOString() });
    if (status !== null && status < 300) return status;
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
  }
  return status;
}
