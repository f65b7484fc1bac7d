import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiServer, type ApiServer } from '../../../api/start-api-server.js';
import { createWebhookVerifier } from '../../../carrier/webhook-verifier.js';
import { readSigningKey } from '../../../db/repositories/signing-keys.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';

const encryptionKey = randomBytes(32).toString('base64');
/** Every line the API logged, raw: the plain key must be in none. */
const logText: string[] = [];
let h: ApiHarness;
let keyless: ApiServer | undefined;

beforeAll(async () => {
  h = await startApiHarness({
    worker: false,
    config: { SIGNING_KEY_ENCRYPTION_KEY: encryptionKey, LOG_LEVEL: 'debug' },
    logger: pino({ level: 'debug' }, { write: (line: string) => void logText.push(line) }),
  });
  // The same stack, configured without an encryption key.
  keyless = await startApiServer(
    {
      config: { ...h.config, SIGNING_KEY_ENCRYPTION_KEY: undefined },
      db: h.db,
      temporal: h.temporal,
      webhookVerifier: createWebhookVerifier(Buffer.alloc(32, 7).toString('base64')),
      logger: pino({ level: 'silent' }),
    },
    0,
  );
});
afterAll(async () => {
  await keyless?.close();
  await h?.close();
});

const isoZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const storedKeyColumns = (identityId: string) =>
  h.db
    .selectFrom('identities')
    .select(['signing_key_ciphertext', 'signing_key_created_at'])
    .where('id', '=', identityId)
    .executeTakeFirstOrThrow();

describe('POST /api/v1/identities/{handle}/signing-key', () => {
  test('when a key is created, then 200 shows it once, the row holds only its ciphertext, and readSigningKey decrypts it', async () => {
    const org = await h.newOrganization(['signer']);

    const response = await org.call('POST', '/api/v1/identities/signer/signing-key', { body: {} });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ signing_key: expect.stringMatching(/^whsec_[0-9a-f]{64}$/), created_at: expect.stringMatching(isoZ) });
    const plain: string = response.body.signing_key;
    const stored = await storedKeyColumns(org.identityId);
    expect(stored.signing_key_ciphertext).toMatch(/^v1\./);
    expect(stored.signing_key_ciphertext).not.toContain(plain.slice('whsec_'.length, 'whsec_'.length + 16));
    expect(stored.signing_key_created_at?.toISOString()).toBe(response.body.created_at);
    expect(await readSigningKey(h.db, org.identityId, encryptionKey)).toBe(plain);
    const log = logText.join('\n');
    expect(log).toContain('/api/v1/identities/signer/signing-key');
    expect(log).not.toContain(plain.slice('whsec_'.length));
  });

  test('when the key is rotated, then a new key replaces the old one and GET reports the new time', async () => {
    const org = await h.newOrganization(['rotator']);
    const first = await org.call('POST', '/identities/@rotator/signing-key');

    const second = await org.call('POST', '/api/v1/identities/rotator/signing-key/', { body: {} });
    const status = await org.call('GET', '/identities/rotator/signing-key');

    expect(second.status).toBe(200);
    expect(second.body.signing_key).not.toBe(first.body.signing_key);
    expect(second.body.created_at >= first.body.created_at).toBe(true);
    expect(await readSigningKey(h.db, org.identityId, encryptionKey)).toBe(second.body.signing_key);
    expect(status.body).toEqual({ configured: true, created_at: second.body.created_at });
  });

  test.each([
    ['unknown', 'nobody'],
    ['another organization’s', 'theirs'],
    ['impossible', 'bad%20handle'],
  ])('when the handle is %s, then 404 not_found and no identity gets a key', async (_name, handle) => {
    const org = await h.newOrganization(['mine']);
    const other = await h.newOrganization(['theirs']);

    const created = await org.call('POST', `/api/v1/identities/${handle}/signing-key`, { body: {} });
    const read = await org.call('GET', `/api/v1/identities/${handle}/signing-key`);

    expect([created.status, created.body.error, read.status, read.body.error]).toEqual([404, 'not_found', 404, 'not_found']);
    expect((await storedKeyColumns(other.identityId)).signing_key_ciphertext).toBeNull();
  });

  test('when the server has no SIGNING_KEY_ENCRYPTION_KEY, then 503 signing_keys_unavailable, nothing is stored, and GET still answers', async () => {
    const org = await h.newOrganization(['unkeyed']);
    const headers = { 'x-api-key': org.apiKey, 'content-type': 'application/json' };

    const created = await fetch(`${keyless!.url}/api/v1/identities/unkeyed/signing-key`, { method: 'POST', headers, body: '{}' });
    const status = await fetch(`${keyless!.url}/api/v1/identities/unkeyed/signing-key`, { headers });

    expect([created.status, created.headers.get('retry-after')]).toEqual([503, null]);
    expect(await created.json()).toEqual({ error: 'signing_keys_unavailable', detail: expect.stringContaining('SIGNING_KEY_ENCRYPTION_KEY') });
    expect([status.status, await status.json()]).toEqual([200, { configured: false, created_at: null }]);
    expect((await storedKeyColumns(org.identityId)).signing_key_ciphertext).toBeNull();
  });

  test('when no API key is sent, then 401 unauthorized', async () => {
    const response = await h.call('POST', '/api/v1/identities/anyone/signing-key');
    expect([response.status, response.body.error]).toEqual([401, 'unauthorized']);
  });
});

describe('GET /api/v1/identities/{handle}/signing-key', () => {
  test('when the identity has no key, then configured false and created_at null', async () => {
    const org = await h.newOrganization(['fresh']);

    const response = await org.call('GET', '/api/v1/identities/fresh/signing-key');

    expect([response.status, response.body]).toEqual([200, { configured: false, created_at: null }]);
  });
});
