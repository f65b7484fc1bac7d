import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCallbackUrlGuard } from '../../../../outbound/callback-url-guard.js';
import { startApiHarness, type ApiHarness } from '../../../support/api-harness.js';
import {
  anyAuthHeaders,
  anyContentType,
  anyIdempotencyKey,
  anyJsonText,
  anyPathSegment,
  anyQuery,
  carrierRequestsSince,
  expectDocumentedAnswer,
  fuzzParameters,
  rawRequest,
} from '../../../support/fuzz.js';
import { createTestResolver } from '../../../support/test-resolver.js';
import { armedHandles, nearlyValidProvision, refusedProvisionRequest } from './provision-bodies.js';

let h: ApiHarness;
/** An organization without identities (nor numbers): every id it names is someone else's or nobody's. */
let hollow: Awaited<ReturnType<ApiHarness['newOrganization']>>;
/** An organization whose identities hold no number: a valid POST of it reaches the carrier. */
let armed: Awaited<ReturnType<ApiHarness['newOrganization']>>;
/** An organization holding one active number (inserted, so it never touched the carrier). */
let holder: Awaited<ReturnType<ApiHarness['newOrganization']>>;
let numberId: string;

const resolveHost = createTestResolver();
const guard = createCallbackUrlGuard({ allowPrivate: false, resolveHost });

beforeAll(async () => {
  h = await startApiHarness({ config: { API_RATE_LIMIT_PER_MINUTE: '1000000', AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000' }, resolveHost });
  hollow = await h.newOrganization(['placeholder']);
  await h.db.deleteFrom('identities').where('organization_id', '=', hollow.organizationId).execute();
  armed = await h.newOrganization([...armedHandles]);
  holder = await h.newOrganization(['agent']);
  numberId = crypto.randomUUID();
  await h.db
    .insertInto('phone_numbers')
    .values({
      id: numberId,
      organization_id: holder.organizationId,
      agent_identity_id: holder.identityId,
      number: '+18005550199',
      type: 'toll_free',
      status: 'active',
      incoming_call_action: 'auto_reject',
      client_websocket_url: null,
      incoming_call_webhook_url: null,
      workflow_id: `fuzz/${numberId}`,
    })
    .execute();
});
afterAll(async () => {
  await h?.close();
});

describe('fuzz: POST /numbers', () => {
  test('when an organization whose identities could get a number sends any invalid body, content type, Idempotency-Key and Prefer, then a documented 4xx, no row, no key and no carrier request; its valid request then reaches the carrier', async () => {
    const before = await h.footprint(armed.organizationId);
    const fuzzStarted = new Date().toISOString();
    await fc.assert(
      fc.asyncProperty(
        refusedProvisionRequest,
        anyIdempotencyKey,
        fc.constantFrom(undefined, 'respond-async', 'respond-async, wait=5', 'return=minimal'),
        fc.constantFrom('/numbers', '/numbers/', '/api/v1/phone/numbers', '/api/v1/phone/numbers/'),
        async ([body, contentType], idempotencyKey, prefer, path) => {
          const headers: Record<string, string> = { 'x-api-key': armed.apiKey };
          if (contentType) headers['content-type'] = contentType;
          if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
          if (prefer) headers.prefer = prefer;
          const sent = new Date().toISOString();

          const response = await rawRequest(h.url, 'POST', path, headers, body);

          expectDocumentedAnswer(response, [400, 404, 413, 415, 422]);
          if (response.status === 404) expect(JSON.parse(response.text).error).toBe('identity_not_found');
          expect(await carrierRequestsSince(h.control, sent)).toEqual([]);
        },
      ),
      fuzzParameters(300),
    );
    expect(await h.footprint(armed.organizationId)).toEqual(before);
    expect(await carrierRequestsSince(h.control, fuzzStarted)).toEqual([]);

    // Control: the same organization's valid request does reach the carrier, so the checks above could fail.
    const sent = new Date().toISOString();
    const response = await rawRequest(h.url, 'POST', '/numbers', { 'x-api-key': armed.apiKey, 'content-type': 'application/json' }, JSON.stringify({ agent_handle: armedHandles[0] }));
    const created = expectDocumentedAnswer(response, [201, 202]) as { id: string };
    const row = await h.db.selectFrom('phone_numbers').select('workflow_id').where('id', '=', created.id).executeTakeFirstOrThrow();
    await h.temporal.workflow.getHandle(row.workflow_id).result();
    const reached = await carrierRequestsSince(h.control, sent);
    expect(reached.map((request) => `${request.method} ${request.path}`)).toContain('POST /v2/number_orders');
  });
});

describe('fuzz: PATCH /numbers/{id}', () => {
  test('when any body arrives, then a documented answer; a refusal changes nothing, and whatever is stored passes the SSRF guard', async () => {
    const started = new Date().toISOString();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 3, arbitrary: nearlyValidProvision.map((body) => JSON.stringify(patchFieldsOf(body))) },
          { weight: 1, arbitrary: anyJsonText },
        ),
        anyContentType,
        async (body, contentType) => {
          const before = await h.db.selectFrom('phone_numbers').selectAll().where('id', '=', numberId).executeTakeFirstOrThrow();

          const response = await rawRequest(h.url, 'PATCH', `/numbers/${numberId}`, { 'x-api-key': holder.apiKey, 'content-type': contentType }, body);

          expectDocumentedAnswer(response, [200, 400, 413, 415, 422]);
          const after = await h.db.selectFrom('phone_numbers').selectAll().where('id', '=', numberId).executeTakeFirstOrThrow();
          if (response.status !== 200) expect(after).toEqual(before);
          for (const url of [after.client_websocket_url, after.incoming_call_webhook_url]) {
            if (url) expect(await guard(url)).toBeUndefined();
          }
        },
      ),
      fuzzParameters(200, [[JSON.stringify({ client_websocket_url: 'wss://agent.example.com/\u0000' }), 'application/json']]),
    );
    expect(await carrierRequestsSince(h.control, started)).toEqual([]);
  });
});

/** The PATCH-able subset of a provision-shaped body. */
function patchFieldsOf(body: Record<string, unknown>) {
  const { incoming_call_action, client_websocket_url, incoming_call_webhook_url, type } = body;
  return Object.fromEntries(
    Object.entries({ incoming_call_action, client_websocket_url, incoming_call_webhook_url, type }).filter(([, value]) => value !== undefined),
  );
}

describe('fuzz: /numbers/{id} paths', () => {
  test('when GET, PATCH or DELETE names any id or path, then 403/404 (or the own number), and nothing reaches the carrier', async () => {
    const started = new Date().toISOString();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PATCH', 'DELETE', 'PUT', 'POST', 'OPTIONS'),
        fc.array(anyPathSegment, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('/numbers/', '/api/v1/phone/numbers/', '/api/v1/phone/', '/'),
        fc.boolean(),
        async (method, segments, prefix, asHollow) => {
          const org = asHollow ? hollow : holder;

          const response = await rawRequest(h.url, method, `${prefix}${segments.join('/')}`, { 'x-api-key': org.apiKey }, undefined);

          // Express answers OPTIONS itself with the allowed methods as text; that is not an error.
          if (method === 'OPTIONS' && response.status === 200) expect(response.headers.allow).toBeTruthy();
          else expectDocumentedAnswer(response, [200, 400, 403, 404, 415, 422]);
        },
      ),
      fuzzParameters<[string, string[], string, boolean]>(300, [['DELETE', ['%_60-__Y'], '/api/v1/phone/numbers/', true]]),
    );
    expect(await carrierRequestsSince(h.control, started)).toEqual([]);
    const row = await h.db.selectFrom('phone_numbers').select('status').where('id', '=', numberId).executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
  });

  test('when GET /numbers carries any query string, then 200 with a list or 422 at query.status', async () => {
    await fc.assert(
      fc.asyncProperty(anyQuery, fc.constantFrom('/numbers', '/api/v1/phone/numbers/'), async (query, path) => {
        const response = await rawRequest(h.url, 'GET', `${path}${query}`, { 'x-api-key': holder.apiKey });

        const body = expectDocumentedAnswer(response, [200, 400, 422]);
        if (response.status === 200) expect(Array.isArray(body)).toBe(true);
        if (response.status === 422) expect((body as { detail: { loc: unknown[] }[] }).detail[0]!.loc).toEqual(['query', 'status']);
      }),
      fuzzParameters(200),
    );
  });
});

describe('fuzz: authentication headers', () => {
  test('when any auth header shape reaches any number endpoint, then 401 unless it presents the key, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyAuthHeaders(holder.apiKey),
        fc.constantFrom(['GET', '/numbers'], ['GET', `/numbers/${numberId}`], ['PATCH', `/numbers/${numberId}`], ['POST', '/numbers']),
        async (authHeaders, [method, path]) => {
          const body = method === 'GET' ? undefined : '{}';
          const headers: Record<string, string> = { ...authHeaders, ...(body ? { 'content-type': 'application/json' } : {}) };

          const response = await rawRequest(h.url, method!, path!, headers, body);

          const presentsKey = Object.values(authHeaders).some((value) => value.trim() === holder.apiKey || /^bearer\s+(\S+)\s*$/i.exec(value)?.[1] === holder.apiKey);
          expectDocumentedAnswer(response, presentsKey ? [200, 422] : [401]);
        },
      ),
      fuzzParameters(150),
    );
  });
});

describe('fuzz: valid provisioning (the small share that reaches the carrier)', () => {
  const validBody = fc.record({
    type: fc.constantFrom('toll_free', 'local'),
    state: fc.constantFrom(undefined, 'NY', 'ny', 'WY'),
    action: fc.constantFrom('auto_reject', 'auto_accept', 'webhook'),
    prefer: fc.boolean(),
  });

  test('when a valid request with any mix of options arrives, then 201/202 with the number, or no_numbers_available', async () => {
    await fc.assert(
      fc.asyncProperty(validBody, async ({ type, state, action, prefer }) => {
        const org = await h.newOrganization(['agent']);
        const body = {
          agent_handle: '@agent',
          type,
          ...(type === 'local' && state ? { state } : {}),
          incoming_call_action: action,
          client_websocket_url: 'wss://agent.example.com/calls',
          incoming_call_webhook_url: 'https://93.184.215.14/hooks/calls',
        };

        const response = await rawRequest(
          h.url,
          'POST',
          '/numbers',
          { 'x-api-key': org.apiKey, 'content-type': 'application/json', ...(prefer ? { prefer: 'respond-async' } : {}) },
          JSON.stringify(body),
        );

        const answer = expectDocumentedAnswer(response, [201, 202, 404]) as { status?: string; error?: string };
        if (response.status === 404) expect(answer.error).toBe('no_numbers_available');
        else expect(answer).toMatchObject({ incoming_call_action: action, type });
      }),
      fuzzParameters(8),
    );
  });
});
