import { createWebhookVerifier, type TelnyxEvent } from '../../carrier/webhook-verifier.js';
import { startWebhookReceiver } from './webhook-receiver.js';

/**
 * A webhook receiver for the sandbox's Call Control events that verifies every delivery's Ed25519 signature
 * with the service's own verifier (carrier/webhook-verifier.ts) and finds events by call.
 */
export async function startCallEventReceiver() {
  const receiver = await startWebhookReceiver();
  let verify: ((rawBody: string, headers: Record<string, string>) => Promise<TelnyxEvent>) | null = null;

  /** Every event received so far, each verified against the sandbox's public key (throws on a bad signature). */
  async function verifiedEvents(): Promise<TelnyxEvent[]> {
    if (!verify) throw new Error('call trustKey(publicKey) first');
    return Promise.all(receiver.received.map((each) => verify!(each.body, each.headers)));
  }

  async function eventsOf(callControlId: string): Promise<TelnyxEvent[]> {
    return (await verifiedEvents()).filter((event) => event.data.payload.call_control_id === callControlId);
  }

  return {
    url: receiver.url,
    received: receiver.received,
    /** The sandbox's base64 Ed25519 public key, to verify with. */
    trustKey(publicKey: string) {
      verify = createWebhookVerifier(publicKey);
    },
    eventsOf,
    /** The call's event types in arrival order. */
    async typesOf(callControlId: string): Promise<string[]> {
      return (await eventsOf(callControlId)).map((event) => event.data.event_type);
    },
    /** Waits (polling every 20 ms, up to `timeoutMs`) for the call's first event of a type. */
    async waitFor(callControlId: string, eventType: string, timeoutMs = 10_000): Promise<TelnyxEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await eventsOf(callControlId)).find((event) => event.data.event_type === eventType);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${eventType} for ${callControlId} in ${timeoutMs} ms; got ${(await eventsOf(callControlId)).map((event) => event.data.event_type).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    clear() {
      receiver.received.length = 0;
    },
    close: receiver.close,
  };
}
