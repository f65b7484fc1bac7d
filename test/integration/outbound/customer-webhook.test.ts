import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HostResolver } from '../../../outbound/callback-url-guard.js';
import { createCustomerWebhookClient, type CustomerWebhookClientOptions } from '../../../outbound/customer-webhook.js';
import { createTestResolver, publicTestAddress } from '../../support/test-resolver.js';
import { makeTestCertificates, type TestCertificates } from '../../support/tls-certificates.js';
import { startCustomerCallReceiver, type CustomerCallReceiver } from '../../support/customer-call-receiver.js';

/**
 * The customer webhook call against real HTTPS receivers on loopback (test CA). Development mode
 * (ALLOW_PRIVATE_CALLBACK_URLS) is what lets a client reach them; production-mode tests check that
 * nothing reaches them.
 */

let certificates: TestCertificates;
let receiver: CustomerCallReceiver;
/** A second receiver on 127.0.0.2, same port: where a rebinding answer would send the request. */
let other: CustomerCallReceiver;

const delivery = (url: string) => ({ url, body: '{"id":"call"}', headers: { 'content-type': 'application/json' } });

function client(overrides: Partial<CustomerWebhookClientOptions> = {}) {
  return createCustomerWebhookClient({
    allowPrivate: true,
    timeoutMs: 2_000,
    resolveHost: createTestResolver({ 'hooks.example.test': ['127.0.0.1'] }),
    ca: certificates.read(certificates.caPath),
    ...overrides,
  });
}

/** A resolver that answers each name with the next of `answers` (the last one again once they run out), counting lookups. */
function sequenceResolver(answers: string[][]) {
  const lookups: string[] = [];
  const resolveHost: HostResolver = async (hostname) => {
    lookups.push(hostname);
    return answers[Math.min(lookups.length - 1, answers.length - 1)] ?? [];
  };
  return { lookups, resolveHost };
}

beforeAll(async () => {
  certificates = makeTestCertificates();
  receiver = await startCustomerCallReceiver(certificates);
  other = await startCustomerCallReceiver(certificates, { host: '127.0.0.2', port: receiver.port });
});

afterAll(async () => {
  await receiver?.close();
  await other?.close();
});

describe('the customer answers', () => {
  test.each([
    ['answer with a client_websocket_url', { action: 'answer', client_websocket_url: 'wss://agent.example.com/calls/1' }, { action: 'answer', clientWebsocketUrl: 'wss://agent.example.com/calls/1' }],
    ['answer without one', { action: 'answer' }, { action: 'answer', clientWebsocketUrl: null }],
    ['answer with client_websocket_url null', { action: 'answer', client_websocket_url: null }, { action: 'answer', clientWebsocketUrl: null }],
    ['reject', { action: 'reject' }, { action: 'reject' }],
    ['ignore', { action: 'ignore' }, { action: 'ignore' }],
  ])('when it answers %s, then the outcome is its decision and the request carried the exact body and headers', async (name, body, decision) => {
    const path = `/happy/${name.replaceAll(' ', '-')}`;
    const url = receiver.answerOn(path, { body });

    const outcome = await client()({ url, body: '{"id":"call-1"}', headers: { 'content-type': 'application/json', 'x-inkbox-request-id': 'r1' } });

    expect(outcome).toEqual({ ok: true, decision });
    expect(receiver.receivedOn(path)).toEqual([
      expect.objectContaining({ body: '{"id":"call-1"}', headers: expect.objectContaining({ 'x-inkbox-request-id': 'r1', 'content-type': 'application/json' }) }),
    ]);
  });

  test('when the URL names a host, then it connects to the resolved address with that name (Host header, TLS name check)', async () => {
    const url = receiver.answerOn('/named', { body: { action: 'reject' } }, 'localhost');

    const outcome = await client({ resolveHost: createTestResolver({ localhost: ['127.0.0.1'] }) })(delivery(url));

    expect(outcome).toEqual({ ok: true, decision: { action: 'reject' } });
    expect(receiver.receivedOn('/named')[0]?.headers.host).toBe(`localhost:${receiver.port}`);
  });
});

describe('the webhook fails closed', () => {
  test('when the answer comes after CALL_WEBHOOK_TIMEOUT_MS, then webhook_timeout', async () => {
    const url = receiver.answerOn('/slow', { body: { action: 'answer' }, delayMs: 1_500 });

    const outcome = await client({ timeoutMs: 300 })(delivery(url));

    expect(outcome).toMatchObject({ ok: false, reason: 'webhook_timeout', detail: expect.stringContaining('300 ms') });
  });

  test('when the receiver never answers, then webhook_timeout', async () => {
    const url = receiver.answerOn('/hang', 'hang');

    expect(await client({ timeoutMs: 300 })(delivery(url))).toMatchObject({ ok: false, reason: 'webhook_timeout' });
  });

  test.each([500, 503, 404, 401])('when it answers %i, then webhook_non_2xx', async (status) => {
    const url = receiver.answerOn(`/status/${status}`, { status, body: { action: 'answer' } });

    expect(await client()(delivery(url))).toMatchObject({ ok: false, reason: 'webhook_non_2xx', detail: expect.stringContaining(String(status)) });
  });

  test.each([301, 302, 307, 308])('when it redirects (%i), then webhook_redirect and the target is never requested', async (status) => {
    const target = receiver.answerOn(`/redirect-target/${status}`, { body: { action: 'answer' } });
    const url = receiver.answerOn(`/redirect/${status}`, { status, headers: { location: target } });

    const outcome = await client()(delivery(url));

    expect(outcome).toMatchObject({ ok: false, reason: 'webhook_redirect', detail: expect.stringContaining(target) });
    expect(receiver.receivedOn(`/redirect/${status}`)).toHaveLength(1);
    expect(receiver.receivedOn(`/redirect-target/${status}`)).toEqual([]);
  });

  test.each([
    ['not JSON', 'OK'],
    ['empty', ''],
    ['an array', [{ action: 'answer' }]],
    ['another action', { action: 'transfer' }],
    ['an extra key', { action: 'reject', reason: 'busy' }],
    ['a ws:// stream URL', { action: 'answer', client_websocket_url: 'ws://agent.example.com/calls' }],
    ['an https:// stream URL', { action: 'answer', client_websocket_url: 'https://agent.example.com/calls' }],
    ['a stream URL on reject', { action: 'reject', client_websocket_url: 'wss://agent.example.com/calls' }],
  ])('when the body is %s, then webhook_bad_body', async (name, body) => {
    const url = receiver.answerOn(`/garbage/${name.replaceAll(' ', '-')}`, { body });

    expect(await client()(delivery(url))).toMatchObject({ ok: false, reason: 'webhook_bad_body' });
  });

  test.each([
    ['the cloud metadata address', 'wss://169.254.169.254/calls'],
    ['a metadata host name', 'wss://metadata.google.internal/calls'],
  ])('when the answer streams to %s, then webhook_bad_body even in development mode', async (name, streamUrl) => {
    const url = receiver.answerOn(`/stream-refused/${name.replaceAll(' ', '-')}`, { body: { action: 'answer', client_websocket_url: streamUrl } });

    const outcome = await client({ allowPrivate: true })(delivery(url));

    expect(outcome).toMatchObject({ ok: false, reason: 'webhook_bad_body', detail: expect.stringContaining('cloud metadata') });
  });

  test('when the body is larger than the cap, then webhook_bad_body', async () => {
    const big = JSON.stringify({ action: 'reject', padding: 'x'.repeat(70 * 1024) });
    const declared = receiver.answerOn('/big-declared', { body: big, headers: { 'content-length': String(Buffer.byteLength(big)) } });
    const chunked = receiver.answerOn('/big-chunked', { body: big });

    expect(await client()(delivery(declared))).toMatchObject({ ok: false, reason: 'webhook_bad_body', detail: expect.stringContaining('65536 bytes') });
    expect(await client()(delivery(chunked))).toMatchObject({ ok: false, reason: 'webhook_bad_body', detail: expect.stringContaining('65536 bytes') });
  });

  test('when nothing listens at the address, then webhook_unreachable', async () => {
    const outcome = await client()(delivery('https://127.0.0.1:1/closed'));

    expect(outcome).toMatchObject({ ok: false, reason: 'webhook_unreachable', detail: expect.stringContaining('ECONNREFUSED') });
  });

  test('when the certificate is not trusted, then webhook_unreachable', async () => {
    const url = receiver.answerOn('/untrusted', { body: { action: 'answer' } });

    const outcome = await createCustomerWebhookClient({ allowPrivate: true, timeoutMs: 2_000 })(delivery(url));

    expect(outcome).toMatchObject({ ok: false, reason: 'webhook_unreachable' });
    expect(receiver.receivedOn('/untrusted')).toEqual([]);
  });

  test('when the URL is not https, then webhook_address_refused and nothing is sent', async () => {
    const url = receiver.answerOn('/plain', { body: { action: 'answer' } }).replace('https:', 'http:');

    expect(await client()(delivery(url))).toMatchObject({ ok: false, reason: 'webhook_address_refused' });
    expect(receiver.receivedOn('/plain')).toEqual([]);
  });
});

describe('SSRF at connect time', () => {
  test('when a name resolves to a private address and the worker runs in production mode, then webhook_address_refused and the request never reaches it', async () => {
    const url = receiver.answerOn('/private', { body: { action: 'answer' } }, 'hooks.example.test');
    const { lookups, resolveHost } = sequenceResolver([['127.0.0.1']]);

    const outcome = await client({ allowPrivate: false, resolveHost })(delivery(url));

    expect(outcome).toMatchObject({ ok: false, reason: 'webhook_address_refused', detail: expect.stringContaining('127.0.0.1') });
    expect(lookups).toEqual(['hooks.example.test']);
    expect(receiver.receivedOn('/private')).toEqual([]);
  });

  test('when a URL allowed in development mode is called by a worker in production mode, then it is refused at call time', async () => {
    const url = receiver.answerOn('/dev-then-prod', { body: { action: 'reject' } });

    const development = await client({ allowPrivate: true })(delivery(url));
    const production = await client({ allowPrivate: false })(delivery(url));

    expect(development).toEqual({ ok: true, decision: { action: 'reject' } });
    expect(production).toMatchObject({ ok: false, reason: 'webhook_address_refused' });
    expect(receiver.receivedOn('/dev-then-prod')).toHaveLength(1);
  });

  test.each([
    ['the cloud metadata address', 'https://169.254.169.254/latest/meta-data'],
    ['a metadata host name', 'https://metadata.google.internal/computeMetadata/v1'],
  ])('when the URL is %s, then it is refused even in development mode', async (_name, url) => {
    expect(await client({ allowPrivate: true })(delivery(url))).toMatchObject({ ok: false, reason: 'webhook_address_refused' });
  });

  test('when the name answers public first and private after (DNS rebinding), then the one lookup decides and the connection goes to the approved address', async () => {
    const url = receiver.answerOn('/rebind', { body: { action: 'answer' } }, 'localhost');
    other.answerOn('/rebind', { body: { action: 'reject' } });
    const { lookups, resolveHost } = sequenceResolver([['127.0.0.1'], ['127.0.0.2']]);

    const outcome = await client({ resolveHost })(delivery(url));

    expect(outcome).toEqual({ ok: true, decision: { action: 'answer', clientWebsocketUrl: null } });
    expect(lookups).toEqual(['localhost']);
    expect(receiver.receivedOn('/rebind')).toEqual([expect.objectContaining({ localAddress: '127.0.0.1' })]);
    expect(other.receivedOn('/rebind')).toEqual([]);
  });

  test('when, in production mode, the name answers a public address first and loopback after, then only the public address is dialled and loopback sees nothing', async () => {
    const url = receiver.answerOn('/rebind-production', { body: { action: 'answer' } }, 'hooks.example.test');
    const { lookups, resolveHost } = sequenceResolver([[publicTestAddress], ['127.0.0.1']]);

    const outcome = await client({ allowPrivate: false, resolveHost, timeoutMs: 1_000 })(delivery(url));

    // The public address cannot be reached from the test machine (refused, unreachable or silent): what matters is where it went.
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/^webhook_(unreachable|timeout)$/), detail: expect.stringContaining(publicTestAddress) });
    expect(lookups).toEqual(['hooks.example.test']);
    expect(receiver.receivedOn('/rebind-production')).toEqual([]);
  });
});
