import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { signInkboxWebhook } from '../../../outbound/webhook-signature.js';
import { inkboxPython, verifyWithInkboxSdk, type SignedDelivery } from '../../support/inkbox-python.js';

/** Our signatures checked by the official Inkbox Python SDK's `verify_webhook`, unmodified. */

let python: string;

beforeAll(async () => {
  python = await inkboxPython();
}, 300_000);

const secret = `whsec_${'0123456789abcdef'.repeat(4)}`;

function signed(body: string, key = secret): SignedDelivery {
  const headers = signInkboxWebhook({ requestId: randomUUID(), timestamp: Math.floor(Date.now() / 1000), body, signingKey: key });
  return { payload: body, headers: { ...headers }, secret };
}

describe('the Inkbox SDK verifies our webhook signatures', () => {
  test('when deliveries are signed (JSON, non-ASCII text, an empty body), then verify_webhook accepts each, with the secret with or without whsec_', async () => {
    const deliveries = [
      signed('{"id":"6f1c","direction":"inbound","contacts":[],"agent_identities":[]}'),
      signed('{"display_name":"Zoë ☎ 电话"}'),
      signed(''),
    ];
    const bare = { ...signed('{"a":1}'), secret: secret.slice('whsec_'.length) };

    expect((await verifyWithInkboxSdk(python, [...deliveries, bare])).verified).toEqual([true, true, true, true]);
  });

  test('when the headers arrive lower-cased, as HTTP servers hand them over, then verify_webhook still accepts', async () => {
    const delivery = signed('{"id":"lower"}');
    const lower = Object.fromEntries(Object.entries(delivery.headers).map(([name, value]) => [name.toLowerCase(), value]));

    expect((await verifyWithInkboxSdk(python, [{ ...delivery, headers: lower }])).verified).toEqual([true]);
  });

  test('when the body, the timestamp or the key differs from what was signed, then verify_webhook refuses', async () => {
    const tamperedBody = { ...signed('{"action":"x"}'), payload: '{"action":"y"}' };
    const original = signed('{"id":"ts"}');
    const tamperedTimestamp = { ...original, headers: { ...original.headers, 'X-Inkbox-Timestamp': '1' } };
    const otherKey = signed('{"id":"key"}', `whsec_${'f'.repeat(64)}`);

    expect((await verifyWithInkboxSdk(python, [tamperedBody, tamperedTimestamp, otherKey])).verified).toEqual([false, false, false]);
  });
});
