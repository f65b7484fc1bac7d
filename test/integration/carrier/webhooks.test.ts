import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import { createWebhookVerifier, WebhookVerificationError } from '../../../carrier/webhook-verifier.js';
import { startTestSandbox, type TestSandbox } from '../../support/start-test-sandbox.js';
import { startWebhookReceiver, type ReceivedWebhook } from '../../support/webhook-receiver.js';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { privateKey, publicKeyBase64: raw.toString('base64') };
}

function signed(privateKey: ReturnType<typeof keyPair>['privateKey'], body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = sign(null, Buffer.from(`${timestamp}|${body}`), privateKey).toString('base64');
  return { 'telnyx-timestamp': String(timestamp), 'telnyx-signature-ed25519': signature, 'content-type': 'application/json' };
}

const event = JSON.stringify({
  data: { event_type: 'number_order.complete', id: 'evt-1', occurred_at: new Date().toISOString(), record_type: 'event', payload: { id: 'order-1', status: 'success' } },
  meta: { attempt: 1, delivered_to: 'http://127.0.0.1/webhooks/telnyx' },
});

describe('webhook verifier', () => {
  const keys = keyPair();
  const verify = createWebhookVerifier(keys.publicKeyBase64);

  it('when the body is signed with the account key, then it returns the event', async () => {
    const verified = await verify(event, signed(keys.privateKey, event));

    expect(verified.data).toMatchObject({ event_type: 'number_order.complete', payload: { status: 'success' } });
  });

  it('when the body was changed after signing, then it is rejected', async () => {
    const headers = signed(keys.privateKey, event);

    await expect(verify(event.replace('success', 'failure'), headers)).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('when signed by another key, then it is rejected', async () => {
    await expect(verify(event, signed(keyPair().privateKey, event))).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('when the timestamp is older than 300 s, then it is rejected even with a valid signature', async () => {
    const headers = signed(keys.privateKey, event, Math.floor(Date.now() / 1000) - 301);

    await expect(verify(event, headers)).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('when the timestamp is ahead of the clock but within 300 s, then the signature still verifies', async () => {
    const headers = signed(keys.privateKey, event, Math.floor(Date.now() / 1000) + 290);

    await expect(verify(event, headers)).resolves.toMatchObject({ data: { id: 'evt-1' } });
  });

  it('when the signature headers are missing, then it is rejected', async () => {
    await expect(verify(event, { 'content-type': 'application/json' })).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(verify(event, { 'telnyx-timestamp': String(Math.floor(Date.now() / 1000)) })).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('when the public key is not 32 bytes of base64, then creating the verifier fails fast', () => {
    expect(() => createWebhookVerifier('bm90LWEta2V5')).toThrow(/32-byte/);
  });
});

describe('sandbox webhooks', () => {
  let sandbox: TestSandbox;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let received: ReceivedWebhook[];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    received = receiver.received;
    sandbox = await startTestSandbox({ webhookUrl: receiver.url });
  });
  afterAll(async () => {
    await sandbox.sandbox.stop();
    await receiver.close();
  });

  it('when an order completes, then a signed number_order.complete webhook reaches the receiver, verifies with the sandbox key and not with another', async () => {
    const carrier = createTelnyxCarrier({ apiKey: 'k', baseURL: sandbox.sandbox.baseURL });
    const [candidate] = await carrier.searchAvailable({ type: 'local', state: 'OR', limit: 1 });
    const order = await carrier.createOrder(candidate!.phoneNumber, 'webhook-ref');

    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(1);
    const verify = createWebhookVerifier(await sandbox.control.publicKey());
    const verified = await verify(received[0]!.body, received[0]!.headers);

    expect(verified.data.event_type).toBe('number_order.complete');
    expect(verified.data.payload).toMatchObject({ id: order.id, status: 'success', customer_reference: 'webhook-ref' });
    expect(sandbox.sandbox.publicKey).toBe(await sandbox.control.publicKey());
    expect(await sandbox.control.webhooks()).toEqual([expect.objectContaining({ status: 200, attempt: 1 })]);
    const otherKey = createWebhookVerifier(keyPair().publicKeyBase64);
    await expect(otherKey(received[0]!.body, received[0]!.headers)).rejects.toBeInstanceOf(WebhookVerificationError);
  });
});
