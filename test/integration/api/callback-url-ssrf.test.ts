import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiServer, type ApiServer } from '../../../api/start-api-server.js';
import { createWebhookVerifier } from '../../../carrier/webhook-verifier.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { createTestResolver } from '../../support/test-resolver.js';

let h: ApiHarness;
let org: Awaited<ReturnType<ApiHarness['newOrganization']>>;
let development: ApiServer;

const resolveHost = createTestResolver({
  'internal.example.net': ['10.0.0.5'],
  'mixed.example.net': ['93.184.215.14', '::1'],
  'metadata-alias.example.net': ['169.254.169.254'],
});

beforeAll(async () => {
  h = await startApiHarness({ worker: false, resolveHost });
  org = await h.newOrganization(['agent']);
  development = await startApiServer(
    {
      config: { ...h.config, ALLOW_PRIVATE_CALLBACK_URLS: true },
      db: h.db,
      temporal: h.temporal,
      webhookVerifier: createWebhookVerifier(h.sandbox.publicKey),
      logger: pino({ level: 'silent' }),
      resolveHost,
    },
    0,
  );
});
afterAll(async () => {
  await development?.close();
  await h?.close();
});

async function activeNumber(organizationId: string) {
  return h.db
    .insertInto('phone_numbers')
    .values({
      id: crypto.randomUUID(),
      organization_id: organizationId,
      number: null,
      type: 'toll_free',
      status: 'active',
      incoming_call_action: 'auto_reject',
      client_websocket_url: null,
      incoming_call_webhook_url: null,
      workflow_id: `test/ssrf/${crypto.randomUUID()}`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

const refusedHosts: [string, string, RegExp][] = [
  ['a loopback IP literal', '127.0.0.1:8080', /loopback/],
  ['localhost', 'localhost', /loopback/],
  ['an IPv4-mapped IPv6 loopback', '[::ffff:127.0.0.1]', /loopback/],
  ['the cloud metadata address', '169.254.169.254', /cloud metadata/],
  ['the GCP metadata name', 'metadata.google.internal', /cloud metadata/],
  ['a name resolving to a private address', 'internal.example.net', /resolves to 10\.0\.0\.5, a private address/],
  ['a name with a loopback answer among public ones', 'mixed.example.net', /resolves to ::1, a loopback address/],
  ['a CGNAT address', '100.64.0.1', /CGNAT/],
  ['the SIIT form of IPv4 loopback', '[::ffff:0:7f00:1]', /loopback/],
  ['NAT64 local-use of a private address', '[64:ff9b:1::a00:1]', /private/],
  ['6to4 of IPv4 loopback', '[2002:7f00:1::]', /loopback/],
  ['a Teredo address with a loopback client', '[2001:0:4136:e378:8000:63bf:80ff:fffe]', /loopback/],
  ['the Azure wire server', '168.63.129.16', /cloud metadata/],
  ['a name that does not resolve', 'nowhere.invalid', /does not resolve/],
];

describe('POST /numbers with a customer URL on an internal host', () => {
  test.each(refusedHosts)('when client_websocket_url names %s, then 422 at its loc, no row and no carrier request', async (_name, host, msg) => {
    const before = await h.footprint(org.organizationId);

    const response = await org.call('POST', '/numbers', {
      body: { agent_handle: 'agent', incoming_call_action: 'auto_accept', client_websocket_url: `wss://${host}/calls` },
      headers: { 'idempotency-key': `ssrf-${crypto.randomUUID()}` },
    });

    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: 'validation_error',
      detail: [{ loc: ['body', 'client_websocket_url'], msg: expect.stringMatching(msg), type: expect.stringMatching(/^url_host_/) }],
    });
    expect(await h.footprint(org.organizationId)).toEqual(before);
  });

  test('when both URLs name internal hosts, then both are listed', async () => {
    const response = await org.call('POST', '/api/v1/phone/numbers', {
      body: { agent_handle: 'agent', client_websocket_url: 'wss://10.1.1.1/ws', incoming_call_webhook_url: 'https://[fe80::1]/hook' },
    });

    expect(response.status).toBe(422);
    expect(response.body.detail.map((issue: { loc: string[] }) => issue.loc)).toEqual([
      ['body', 'client_websocket_url'],
      ['body', 'incoming_call_webhook_url'],
    ]);
  });
});

describe('PATCH /numbers/{id} with a customer URL', () => {
  test('when incoming_call_webhook_url resolves to the metadata address, then 422 and the row is unchanged', async () => {
    const row = await activeNumber(org.organizationId);

    const response = await org.call('PATCH', `/numbers/${row.id}`, {
      body: { incoming_call_action: 'webhook', incoming_call_webhook_url: 'https://metadata-alias.example.net/hook' },
    });

    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      { loc: ['body', 'incoming_call_webhook_url'], msg: expect.stringMatching(/cloud metadata/), type: 'url_host_forbidden' },
    ]);
    const after = await h.db.selectFrom('phone_numbers').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after).toEqual(row);
  });

  test('when the URL names a public host, then 200 and it is stored', async () => {
    const row = await activeNumber(org.organizationId);

    const response = await org.call('PATCH', `/numbers/${row.id}`, { body: { client_websocket_url: 'wss://agent.example.com/calls' } });

    expect(response.status).toBe(200);
    expect(response.body.client_websocket_url).toBe('wss://agent.example.com/calls');
  });
});

describe('with ALLOW_PRIVATE_CALLBACK_URLS=true (development)', () => {
  const patch = (id: string, body: unknown) =>
    fetch(`${development.url}/numbers/${id}`, {
      method: 'PATCH',
      headers: { 'x-api-key': org.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('when the URL names localhost or a name that does not resolve, then it is accepted', async () => {
    const row = await activeNumber(org.organizationId);

    const local = await patch(row.id, { client_websocket_url: 'wss://localhost:8765/calls' });
    const offline = await patch(row.id, { incoming_call_webhook_url: 'https://nowhere.invalid/hook' });

    expect([local.status, offline.status]).toEqual([200, 200]);
    expect(await offline.json()).toMatchObject({ client_websocket_url: 'wss://localhost:8765/calls', incoming_call_webhook_url: 'https://nowhere.invalid/hook' });
  });

  test('when the URL names the cloud metadata address, then it is still refused', async () => {
    const row = await activeNumber(org.organizationId);

    const response = await patch(row.id, { incoming_call_webhook_url: 'https://169.254.169.254/latest/meta-data' });

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: 'validation_error', detail: [{ loc: ['body', 'incoming_call_webhook_url'] }] });
  });
});
