import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { signInkboxWebhook } from '../../../outbound/webhook-signature.js';

const key = `whsec_${'ab'.repeat(32)}`;

describe('signInkboxWebhook', () => {
  test('when a delivery is signed, then the headers carry its id, its Unix-seconds timestamp and sha256=<64 hex>', () => {
    const headers = signInkboxWebhook({ requestId: 'req-1', timestamp: 1_760_000_000, body: '{"id":"c"}', signingKey: key });

    expect(headers).toEqual({
      'X-Inkbox-Request-Id': 'req-1',
      'X-Inkbox-Timestamp': '1760000000',
      'X-Inkbox-Signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
    });
  });

  test('when signed, then the signature is the HMAC of "{id}.{ts}." + body keyed with the key text after whsec_', () => {
    const body = '{"remote":"+12125550123","name":"Zoë"}';
    const expected = createHmac('sha256', 'ab'.repeat(32)).update(`req-2.1760000001.${body}`).digest('hex');

    const headers = signInkboxWebhook({ requestId: 'req-2', timestamp: 1_760_000_001, body, signingKey: key });

    expect(headers['X-Inkbox-Signature']).toBe(`sha256=${expected}`);
  });

  test('when the key comes with or without its whsec_ prefix, then the signature is the same', () => {
    const input = { requestId: 'req-3', timestamp: 1_760_000_002, body: '{}' };

    expect(signInkboxWebhook({ ...input, signingKey: key })).toEqual(signInkboxWebhook({ ...input, signingKey: 'ab'.repeat(32) }));
  });

  test.each([
    ['request id', { requestId: 'req-5' }],
    ['timestamp', { timestamp: 1_760_000_004 }],
    ['body', { body: '{ }' }],
    ['key', { signingKey: `whsec_${'cd'.repeat(32)}` }],
  ])('when the %s differs, then the signature differs', (_name, change) => {
    const input = { requestId: 'req-4', timestamp: 1_760_000_003, body: '{}', signingKey: key };

    expect(signInkboxWebhook({ ...input, ...change })['X-Inkbox-Signature']).not.toBe(signInkboxWebhook(input)['X-Inkbox-Signature']);
  });
});
