import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { payloadToJSON, type JSONPayload } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCodecKeys } from '../../../temporal/payload-codec/codec-keys.js';
import { startCodecServer, type CodecServer } from '../../../temporal/payload-codec/codec-server.js';
import { EncryptionCodec } from '../../../temporal/payload-codec/encryption-codec.js';

const token = randomBytes(32).toString('base64url');
const uiOrigin = 'http://127.0.0.1:8233';
const codec = new EncryptionCodec(parseCodecKeys(`k1:${randomBytes(32).toString('base64')}`)!);
const value = { incomingCallWebhookUrl: 'https://hooks.example.com/calls?sig=abc' };
let strict: CodecServer;
let local: CodecServer;

beforeAll(async () => {
  strict = await startCodecServer({ codec, token, allowedOrigins: [uiOrigin], host: '127.0.0.1', port: 0 });
  local = await startCodecServer({ codec, token, allowedOrigins: [uiOrigin], host: '127.0.0.1', port: 0, tokenInPath: true });
});
afterAll(async () => {
  await strict?.close();
  await local?.close();
});

const encrypted = async () => (await codec.encode([defaultPayloadConverter.toPayload(value)])).map(payloadToJSON);
const post = (url: string, body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${token}` }) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const valueOf = (payload: JSONPayload) => JSON.parse(Buffer.from(payload.data!, 'base64').toString('utf8'));

describe('codec server (Temporal remote codec contract)', () => {
  it('when /decode gets encrypted payloads with the token, then it answers them decrypted in protobuf JSON', async () => {
    const payloads = await encrypted();

    const response = await post(`${strict.url}/decode`, { payloads });

    expect(response.status).toBe(200);
    const body = (await response.json()) as { payloads: JSONPayload[] };
    expect(Buffer.from(body.payloads[0]!.metadata!.encoding!, 'base64').toString()).toBe('json/plain');
    expect(valueOf(body.payloads[0]!)).toEqual(value);
  });

  it('when /encode gets plain payloads with the token, then /decode turns its answer back into them', async () => {
    const plain = [payloadToJSON(defaultPayloadConverter.toPayload(value))];

    const encoded = (await (await post(`${strict.url}/encode`, { payloads: plain })).json()) as { payloads: JSONPayload[] };
    const decoded = (await (await post(`${strict.url}/decode`, encoded)).json()) as { payloads: JSONPayload[] };

    expect(Buffer.from(encoded.payloads[0]!.metadata!.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(decoded.payloads).toEqual(plain);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { Authorization: `Bearer ${randomBytes(32).toString('base64url')}` }],
    ['a Basic header', { Authorization: `Basic ${token}` }],
  ])('when /decode is called with %s, then it answers 401 and decrypts nothing', async (_, headers) => {
    const response = await post(`${strict.url}/decode`, { payloads: await encrypted() }, headers);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('when the token is in the path and the server allows that (npm start), then /<token>/decode decodes without a header', async () => {
    const response = await post(`${local.uiEndpoint}/decode`, { payloads: await encrypted() }, {});

    expect(local.uiEndpoint).toBe(`${local.url}/${token}`);
    expect(response.status).toBe(200);
    expect(valueOf(((await response.json()) as { payloads: JSONPayload[] }).payloads[0]!)).toEqual(value);
  });

  it('when the token is in the path but the server does not allow that, then it answers 401', async () => {
    const response = await post(`${strict.url}/${token}/decode`, { payloads: await encrypted() }, {});

    expect(response.status).toBe(401);
  });

  it('when the Web UI preflights from its origin, then the answer allows POST with X-Namespace and Authorization; another origin gets no CORS headers', async () => {
    const preflight = (origin: string) =>
      fetch(`${strict.url}/decode`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
      });

    const allowed = await preflight(uiOrigin);
    const other = await preflight('https://evil.example');

    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['not JSON', '{"payloads": [', 400, 'invalid_json'],
    ['JSON without payloads', { items: [] }, 422, 'validation_error'],
    ['a payload that is not protobuf JSON', { payloads: [{ data: 42 }] }, 422, 'validation_error'],
  ])('when the body is %s, then it answers %i %s', async (_, body, status, error) => {
    const response = await post(`${strict.url}/decode`, body);

    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
  });

  it('when a payload was encrypted under a key the server does not hold, then it answers 422 payload_not_decryptable naming the key id', async () => {
    const foreign = new EncryptionCodec(parseCodecKeys(`elsewhere:${randomBytes(32).toString('base64')}`)!);
    const payloads = (await foreign.encode([defaultPayloadConverter.toPayload(value)])).map(payloadToJSON);

    const response = await post(`${strict.url}/decode`, { payloads });

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: 'payload_not_decryptable', detail: expect.stringContaining('"elsewhere"') });
  });

  it('when another path or method is used, then it answers 404 or 405', async () => {
    const unknown = await post(`${strict.url}/download`, { payloads: [] });
    const get = await fetch(`${strict.url}/decode`, { headers: { Authorization: `Bearer ${token}` } });

    expect(unknown.status).toBe(404);
    expect(get.status).toBe(405);
  });
});
