import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';

let h: ApiHarness;
let org: Awaited<ReturnType<ApiHarness['newOrganization']>>;

beforeAll(async () => {
  h = await startApiHarness();
  org = await h.newOrganization(['agent']);
});
afterAll(async () => {
  await h?.close();
});

const valid = { agent_handle: 'agent' };

/** [name, body or raw request, expected status, expected error code, loc of the first issue for 422] */
const invalidProvisions: [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number, string, string[]?][] = [
  ['agent_handle missing', { body: {} }, 422, 'validation_error', ['body', 'agent_handle']],
  ['agent_handle of the wrong type', { body: { agent_handle: 42 } }, 422, 'validation_error', ['body', 'agent_handle']],
  ['agent_handle empty', { body: { agent_handle: '@' } }, 422, 'validation_error', ['body', 'agent_handle']],
  ['type outside its enum', { body: { ...valid, type: 'mobile' } }, 422, 'validation_error', ['body', 'type']],
  ['type of the wrong type', { body: { ...valid, type: 1 } }, 422, 'validation_error', ['body', 'type']],
  ['state with toll_free', { body: { ...valid, type: 'toll_free', state: 'NY' } }, 422, 'validation_error', ['body', 'state']],
  ['state with the default type', { body: { ...valid, state: 'NY' } }, 422, 'validation_error', ['body', 'state']],
  ['state not a US state', { body: { ...valid, type: 'local', state: 'XX' } }, 422, 'validation_error', ['body', 'state']],
  ['state of the wrong type', { body: { ...valid, type: 'local', state: 12 } }, 422, 'validation_error', ['body', 'state']],
  ['incoming_call_action outside its enum', { body: { ...valid, incoming_call_action: 'ring' } }, 422, 'validation_error', ['body', 'incoming_call_action']],
  [
    'auto_accept without client_websocket_url',
    { body: { ...valid, incoming_call_action: 'auto_accept' } },
    422,
    'validation_error',
    ['body', 'client_websocket_url'],
  ],
  [
    'webhook without incoming_call_webhook_url',
    { body: { ...valid, incoming_call_action: 'webhook' } },
    422,
    'validation_error',
    ['body', 'incoming_call_webhook_url'],
  ],
  [
    'http:// where wss:// is required',
    { body: { ...valid, incoming_call_action: 'auto_accept', client_websocket_url: 'http://agent.example.com/ws' } },
    422,
    'validation_error',
    ['body', 'client_websocket_url'],
  ],
  [
    'ws:// where wss:// is required',
    { body: { ...valid, client_websocket_url: 'ws://agent.example.com/ws' } },
    422,
    'validation_error',
    ['body', 'client_websocket_url'],
  ],
  [
    'http:// where https:// is required',
    { body: { ...valid, incoming_call_action: 'webhook', incoming_call_webhook_url: 'http://agent.example.com/hook' } },
    422,
    'validation_error',
    ['body', 'incoming_call_webhook_url'],
  ],
  ['a URL that is not a URL', { body: { ...valid, incoming_call_webhook_url: 'https//nope' } }, 422, 'validation_error', ['body', 'incoming_call_webhook_url']],
  ['an unknown field', { body: { ...valid, area_code: '212' } }, 422, 'validation_error', ['body', 'area_code']],
  ['a JSON array body', { body: [valid] }, 422, 'validation_error', ['body']],
  ['no body at all', {}, 422, 'validation_error', ['body']],
  ['an Idempotency-Key too long', { body: valid, headers: { 'idempotency-key': 'k'.repeat(256) } }, 422, 'validation_error', ['header', 'Idempotency-Key']],
  ['an Idempotency-Key with a space', { body: valid, headers: { 'idempotency-key': 'a b' } }, 422, 'validation_error', ['header', 'Idempotency-Key']],
  ['an oversize body', { body: { ...valid, padding: 'x'.repeat(17 * 1024) } }, 413, 'payload_too_large'],
  ['malformed JSON', { rawBody: '{"agent_handle": "agent"', headers: { 'content-type': 'application/json' } }, 400, 'invalid_json'],
  ['a wrong content type', { rawBody: 'agent_handle=agent', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
  ['a body without content type', { rawBody: JSON.stringify(valid), headers: { 'content-type': '' } }, 415, 'unsupported_media_type'],
];

describe('POST /numbers with an invalid request', () => {
  test.each(invalidProvisions)('when %s, then the documented status and code, no row and no carrier request', async (_name, request, status, code, loc) => {
    const before = await h.footprint(org.organizationId);

    const response = await org.call('POST', '/api/v1/phone/numbers', { ...request, headers: { 'idempotency-key': `k-${Math.random()}`, ...request.headers } });

    expect(response.status).toBe(status);
    expect(response.body.error).toBe(code);
    if (loc) {
      expect(Array.isArray(response.body.detail)).toBe(true);
      expect(response.body.detail.map((issue: { loc: string[] }) => issue.loc)).toContainEqual(loc);
      for (const issue of response.body.detail) expect(issue).toEqual({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
    } else {
      expect(typeof response.body.detail).toBe('string');
    }
    expect(await h.footprint(org.organizationId)).toEqual(before);
  });
});

describe('PATCH /numbers/{id} with an invalid request', () => {
  test('when the body has an unknown field, a wrong type or a bad URL, then 422 and the row is unchanged', async () => {
    const row = await h.db
      .insertInto('phone_numbers')
      .values({
        id: crypto.randomUUID(),
        organization_id: org.organizationId,
        number: null,
        type: 'toll_free',
        status: 'active',
        incoming_call_action: 'auto_reject',
        client_websocket_url: null,
        incoming_call_webhook_url: null,
        workflow_id: 'test/patch',
      })
      .returningAll()
      .executeTakeFirstOrThrow();

    const answers = await Promise.all(
      [{ nickname: 'x' }, { incoming_call_action: 7 }, { client_websocket_url: 'https://not-a-socket.example.com' }, { incoming_call_action: 'auto_accept' }].map(
        (body) => org.call('PATCH', `/numbers/${row.id}`, { body }),
      ),
    );

    expect(answers.map((answer) => [answer.status, answer.body.error])).toEqual(Array(4).fill([422, 'validation_error']));
    const after = await h.db.selectFrom('phone_numbers').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after.updated_at).toEqual(row.updated_at);
  });
});

describe('authentication', () => {
  const endpoints: [string, string][] = [
    ['POST', '/api/v1/phone/numbers'],
    ['GET', '/api/v1/phone/numbers'],
    ['GET', '/numbers/00000000-0000-4000-8000-000000000000'],
    ['PATCH', '/numbers/00000000-0000-4000-8000-000000000000'],
    ['DELETE', '/numbers/00000000-0000-4000-8000-000000000000'],
    ['POST', '/api/v1/identities'],
    ['GET', '/identities'],
    ['GET', '/identities/agent'],
    ['DELETE', '/identities/agent'],
  ];

  test.each(endpoints)('when %s %s has no key, then 401 unauthorized', async (method, path) => {
    const response = await h.call(method, path, { body: method === 'POST' || method === 'PATCH' ? valid : undefined });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: expect.any(String), error: 'unauthorized' });
  });

  test('when the key is unknown or revoked, then 401; a Bearer key works like X-API-Key', async () => {
    const unknown = await h.call('GET', '/numbers', { apiKey: 'ink_not-a-key' });
    const bearer = await h.call('GET', '/numbers', { headers: { authorization: `Bearer ${org.apiKey}` } });
    const other = await h.newOrganization();
    await h.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('organization_id', '=', other.organizationId).execute();
    const revoked = await other.call('GET', '/numbers');

    expect([unknown.status, unknown.body.error]).toEqual([401, 'unauthorized']);
    expect(bearer.status).toBe(200);
    expect([revoked.status, revoked.body.error]).toEqual([401, 'unauthorized']);
  });
});

describe('ids, paths and headers', () => {
  test('when a number id is malformed or unknown, then 404 not_found (never 500)', async () => {
    for (const id of ['not-a-uuid', '123', '00000000-0000-4000-8000-000000000000', "1' or '1'='1"]) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const response = await org.call(method, `/numbers/${encodeURIComponent(id)}`, { body: method === 'PATCH' ? {} : undefined });
        expect([method, id, response.status, response.body.error]).toEqual([method, id, 404, 'not_found']);
      }
    }
  });

  test('when a path ends with a slash, then it is served like the one without', async () => {
    const list = await org.call('GET', '/api/v1/phone/numbers/');
    const created = await org.call('POST', '/api/v1/identities/', { body: { agent_handle: 'slash-agent' } });
    const detail = await org.call('GET', '/identities/slash-agent/');

    expect(list.status).toBe(200);
    expect(created.status).toBe(201);
    expect(detail.body.agent_handle).toBe('slash-agent');
  });

  test('when an unknown path is asked for, then 404 not_found in the error envelope', async () => {
    const response = await org.call('GET', '/api/v1/phone/nothing-here');
    expect([response.status, response.body.error]).toEqual([404, 'not_found']);
  });

  test('when X-Request-Id is sent it is echoed; otherwise one is made', async () => {
    const echoed = await org.call('GET', '/numbers', { headers: { 'x-request-id': 'trace-123' } });
    const generated = await org.call('GET', '/numbers');

    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('when a GET or DELETE carries no content type, then it is not refused for it', async () => {
    const response = await org.call('GET', '/identities', { headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(200);
  });
});

describe('health', () => {
  test('when the database and Temporal answer, then /healthz and /readyz are 200', async () => {
    const health = await h.call('GET', '/healthz');
    const ready = await h.call('GET', '/readyz/');
    expect([health.status, ready.status]).toEqual([200, 200]);
    expect(ready.body).toMatchObject({ database: 'ok', temporal: 'ok' });
  });
});
