import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { expect } from 'vitest';
import { errorCodes } from '../../api/errors/error-table.js';
import type { SandboxControl, SandboxRequest } from '../../sandbox/control-client.js';

/**
 * fast-check parameters for the fuzz suites: a fixed seed so a run is reproducible, overridable to
 * explore (`FUZZ_SEED=123 FUZZ_RUNS=2000 npx vitest run test/integration/reliability/fuzz`). On a
 * failure fast-check prints the seed and the shrunk counterexample's path; rerun with them.
 * `examples` run first on every seed: counterexamples found before, kept as regressions.
 */
export function fuzzParameters<T>(runs: number, examples: T[] = []): fc.Parameters<T> {
  const scale = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
  return {
    examples,
    seed: Number(process.env.FUZZ_SEED ?? 20261127),
    numRuns: Math.max(1, Math.round(runs * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
  };
}

/**
 * The carrier (`/v2`) requests the sandbox saw from `since` (an ISO time taken before the act) on.
 * Its log keeps only the last 1000 requests, so the log's length alone would stop growing.
 */
export async function carrierRequestsSince(control: Pick<SandboxControl, 'requests'>, since: string): Promise<SandboxRequest[]> {
  return (await control.requests()).filter((request) => request.path.startsWith('/v2/') && request.at >= since);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A request sent as given: the path is not normalised (fetch would resolve `..`), headers and body are raw. */
export function rawRequest(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // A connection per request: one answer never leaves a half-read socket for the next to trip on.
    // Framed explicitly: Node sends a DELETE body unframed, which the server would read as a second request.
    const framing = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest({ host: hostname, port, method, path, headers: { ...headers, ...framing }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const validationIssue = { loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) };

/**
 * The contract every answer keeps: never a 5xx; an error is JSON `{detail, error, workflow_id?}` with a
 * documented code, and a 422's detail is a non-empty list of `{loc, msg, type}`.
 */
export function expectDocumentedAnswer(response: RawResponse, allowedStatuses: readonly number[]): unknown {
  expect(response.status, response.text).toBeLessThan(500);
  expect(allowedStatuses, `status ${response.status}: ${response.text}`).toContain(response.status);
  if (response.status === 204) return undefined;
  expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
  const body: unknown = JSON.parse(response.text);
  if (response.status < 400) return body;
  expect(Object.keys(body as object).every((key) => ['detail', 'error', 'workflow_id'].includes(key)), response.text).toBe(true);
  const { error, detail } = body as { error: unknown; detail: unknown };
  expect(errorCodes).toContain(error);
  expect(error).not.toBe('internal_error');
  if (response.status === 422) {
    expect(error).toBe('validation_error');
    expect(Array.isArray(detail) && detail.length > 0, response.text).toBe(true);
    for (const issue of detail as unknown[]) {
      expect(issue).toEqual(validationIssue);
      expect((issue as { loc: unknown[] }).loc.every((part) => typeof part === 'string' || typeof part === 'number')).toBe(true);
    }
  } else {
    expect(typeof detail).toBe('string');
  }
  return body;
}

/** Any JSON text: values of every shape, most of them nothing like a request. */
export const anyJsonText = fc.oneof(fc.json({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)));

/** A path segment as a client might send it: unicode (percent-encoded), dot segments, broken escapes, very long. */
export const anyPathSegment = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('..', '.', '%2e%2e', '%2F', '%00', '%', '%zz', '%E0%A4%A', '%C0%AF', '..%2f..%2fetc%2fpasswd', '~', '@agent', '%40agent'),
  fc.stringMatching(/^[A-Za-z0-9._~%-]{1,30}$/),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.integer({ min: 300, max: 5000 }).map((length) => 'a'.repeat(length)),
);

/** A query string of arbitrary keys and values, including repeated keys and broken escapes. */
export const anyQuery = fc
  .array(fc.tuple(fc.oneof(fc.constant('status'), anyPathSegment), fc.oneof(anyPathSegment, fc.constantFrom('active', 'released,failed', ',', ''))), {
    maxLength: 4,
  })
  .map((pairs) => (pairs.length ? `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}` : ''));

/** Header values clients send, printable ASCII so the HTTP client itself accepts them. */
const headerValue = fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,80}$/), fc.integer({ min: 256, max: 2000 }).map((n) => 'k'.repeat(n)));

export const anyContentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  '*/*',
  '',
);

/** Auth header shapes: none, empty, bearer variants, wrong schemes, junk keys, repeated keys. */
export function anyAuthHeaders(validKey: string) {
  return fc.oneof(
    fc.constant({}),
    fc.constant({ 'x-api-key': validKey }),
    fc.constant({ authorization: `Bearer ${validKey}` }),
    fc.constant({ authorization: `bearer   ${validKey}  ` }),
    fc.constant({ authorization: `Basic ${Buffer.from(`${validKey}:`).toString('base64')}` }),
    fc.constant({ 'x-api-key': `${validKey}x` }),
    fc.constant({ 'x-api-key': ` ${validKey} ` }),
    headerValue.map((value) => ({ 'x-api-key': value })),
    headerValue.map((value) => ({ authorization: value })),
    headerValue.map((value) => ({ authorization: `Bearer ${value}` })),
  );
}

export const anyIdempotencyKey = fc.option(headerValue, { nil: undefined });
