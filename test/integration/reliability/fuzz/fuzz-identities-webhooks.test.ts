import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../../support/api-harness.js';
import {
  anyAuthHeaders,
  anyContentType,
  anyJsonText,
  anyPathSegment,
  anyQuery,
  carrierRequestsSince,
  expectDocumentedAnswer,
  fuzzParameters,
  rawRequest,
} from '../../../support/fuzz.js';

let h: ApiHarness;
let org: Awaited<ReturnType<ApiHarness['newOrganization']>>;

beforeAll(async () => {
  // No worker: nothing here may start a workflow, and a signal to a missing workflow must still be harmless.
  h = await startApiHarness({ worker: false, config: { API_RATE_LIMIT_PER_MINUTE: '1000000', AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000' } });
  org = await h.newOrganization(['agent', 'sales.agent', 'x_1']);
});
afterAll(async () => {
  await h?.close();
});

const anyIdentityBody = fc.oneof(
  fc
    .record(
      { agent_handle: fc.oneof(fc.stringMatching(/^@?[A-Za-z0-9._-]{0,70}$/), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })) },
      { requiredKeys: [] },
    )
    .chain((body) => fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 1 }).map((extra) => JSON.stringify({ ...extra, ...body }))),
  anyJsonText,
  fc.string({ maxLength: 100 }),
);

describe('fuzz: identities', () => {
  test('when POST /identities gets any body and content type, then 201, 409 or a documented 4xx, never the carrier', async () => {
    const started = new Date().toISOString();
    await fc.assert(
      fc.asyncProperty(anyIdentityBody, anyContentType, fc.constantFrom('/identities', '/api/v1/identities/'), async (body, contentType, path) => {
        const response = await rawRequest(h.url, 'POST', path, { 'x-api-key': org.apiKey, ...(contentType ? { 'content-type': contentType } : {}) }, body);

        const answer = expectDocumentedAnswer(response, [201, 400, 409, 413, 415, 422]) as { agent_handle?: string; organization_id?: string };
        if (response.status === 201) {
          expect(answer.organization_id).toBe(org.organizationId);
          expect(answer.agent_handle).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
        }
      }),
      fuzzParameters(200),
    );
    expect(await carrierRequestsSince(h.control, started)).toEqual([]);
  });

  test('when GET or DELETE names any handle or path, then 200/204 for a real identity, else a documented 4xx', async () => {
    const started = new Date().toISOString();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'DELETE', 'PATCH', 'PUT'),
        fc.array(anyPathSegment, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('/identities/', '/api/v1/identities/'),
        anyQuery,
        async (method, segments, prefix, query) => {
          const response = await rawRequest(h.url, method, `${prefix}${segments.join('/')}${query}`, { 'x-api-key': org.apiKey });

          expectDocumentedAnswer(response, [200, 204, 400, 404, 415, 422]);
        },
      ),
      fuzzParameters<[string, string[], string, string]>(250, [['GET', ['%00'], '/identities/', '']]),
    );
    expect(await carrierRequestsSince(h.control, started)).toEqual([]);
  });
});

describe('fuzz: any path and header', () => {
  test('when any method, path and auth header shape arrive, then a documented answer (404/401 for what does not exist)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD'),
        fc.constantFrom('/', '/api/', '/api/v1/', '/api/v1/phone/', '/webhooks/', '/numbers/', '/identities/', '/healthz/', '/openapi.json/'),
        fc.array(anyPathSegment, { maxLength: 3 }),
        anyAuthHeaders(org.apiKey),
        async (method, prefix, segments, authHeaders) => {
          const path = `${prefix}${segments.join('/')}`;
          fc.pre(!/^\/(docs|metrics)\b/.test(path));

          const response = await rawRequest(h.url, method, path, { ...authHeaders, 'content-type': 'application/json' }, method === 'GET' || method === 'HEAD' ? undefined : '{}');

          if (method === 'HEAD') expect(response.status).toBeLessThan(500);
          else expectDocumentedAnswer(response, [200, 201, 204, 400, 401, 403, 404, 409, 413, 415, 422]);
        },
      ),
      fuzzParameters(250),
    );
  });
});

describe('fuzz: POST /webhooks/telnyx', () => {
  const orderEvent = fc.record({
    data: fc.record({
      event_type: fc.constantFrom('number_order.complete', 'call.initiated', '', 'number_order.complete '),
      payload: fc.record(
        {
          id: fc.oneof(fc.uuid(), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
          status: fc.constantFrom('success', 'failure', 'pending', 'weird'),
          customer_reference: fc.oneof(
            fc.string({ unit: 'grapheme', maxLength: 40 }),
            fc.integer({ min: 900, max: 3000 }).map((length) => 'w'.repeat(length)),
            fc.constant(null),
            fc.jsonValue({ maxDepth: 1 }),
          ),
        },
        { requiredKeys: [] },
      ),
    }),
  });

  test('when an unsigned, stale or tampered body of any shape arrives, then 401 unauthorized', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(anyJsonText, orderEvent.map((event) => JSON.stringify(event))),
        fc.constantFrom('unsigned', 'stale', 'tampered', 'garbage'),
        async (body, attack) => {
          const signed = h.signAsCarrier(body, attack === 'stale' ? Math.floor(Date.now() / 1000) - 3600 : undefined);
          const headers =
            attack === 'unsigned'
              ? { 'content-type': 'application/json' }
              : attack === 'garbage'
                ? { ...signed, 'telnyx-signature-ed25519': 'not-base64!!' }
                : signed;

          const response = await rawRequest(h.url, 'POST', '/webhooks/telnyx', headers, attack === 'tampered' ? `${body} ` : body);

          expectDocumentedAnswer(response, [401]);
        },
      ),
      fuzzParameters(150),
    );
  });

  test('when a correctly signed event of any shape arrives, then 200, whatever order or workflow it names', async () => {
    await fc.assert(
      fc.asyncProperty(orderEvent, async (event) => {
        const body = JSON.stringify(event);

        const response = await rawRequest(h.url, 'POST', '/webhooks/telnyx', h.signAsCarrier(body), body);

        expectDocumentedAnswer(response, [200]);
      }),
      fuzzParameters(150),
    );
  });

  test('when a correctly signed body is any JSON at all, then 200, or 401 when it is not a Telnyx event', async () => {
    await fc.assert(
      fc.asyncProperty(anyJsonText, async (body) => {
        const response = await rawRequest(h.url, 'POST', '/webhooks/telnyx', h.signAsCarrier(body), body);

        expectDocumentedAnswer(response, [200, 401]);
      }),
      fuzzParameters(100),
    );
  });
});
