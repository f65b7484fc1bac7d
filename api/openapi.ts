import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { callSchema, listCallsQuerySchema } from './calls/schemas.js';
import { createIdentityBodySchema, identityDetailSchema, identitySummarySchema } from './identities/schemas.js';
import { signingKeySchema, signingKeyStatusSchema } from './identities/signing-key-schemas.js';
import { listNumbersQuerySchema, phoneNumberSchema, provisionNumberBodySchema, updateNumberBodySchema } from './numbers/schemas.js';
import { errorResponseSchema, validationErrorResponseSchema } from './shared-schemas.js';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const error = (description: string): ResponseConfig => ({ description, ...json(errorResponseSchema) });
const validationError: ResponseConfig = { description: 'validation_error: detail lists each bad field', ...json(validationErrorResponseSchema) };
const retryAfter = z.object({ 'Retry-After': z.string().meta({ description: 'Seconds to wait before retrying' }) });

const common = {
  '401': error('unauthorized: missing, unknown or revoked API key'),
  '429': { ...error('rate_limited: too many requests for this key'), headers: retryAfter },
  '503': { ...error('unavailable: database or Temporal unreachable'), headers: retryAfter },
};
const withBody = {
  '400': error('invalid_json'),
  '413': error('payload_too_large: body over 16 KiB'),
  '415': error('unsupported_media_type'),
  '422': validationError,
};
const owned = { '403': error('forbidden: number of another organization'), '404': error('not_found') };

const numberId = z.object({ id: z.string().meta({ description: 'Phone number UUID', example: '3f1c2a9e-4b7d-4e0a-9c1b-2d3e4f5a6b7c' }) });
const handle = z.object({ handle: z.string().meta({ description: 'Agent handle (a leading @ is accepted)', example: 'sales-agent' }) });
const provisionHeaders = z.object({
  'Idempotency-Key': z.string().min(1).max(255).optional().meta({ description: 'Same key + same body: same outcome; other body: 409' }),
  Prefer: z.string().optional().meta({ description: '"respond-async" answers 202 at once', example: 'respond-async' }),
});

function numberRoutes(base: string, tag: string): RouteConfig[] {
  const item = `${base}/{id}`;
  return [
    {
      method: 'post', path: base, tags: [tag], summary: 'Provision a phone number',
      request: { headers: provisionHeaders, body: { required: true, ...json(provisionNumberBodySchema) } },
      responses: {
        '201': { description: 'Provisioned', ...json(phoneNumberSchema) },
        '202': { description: 'Still provisioning; poll the Location', headers: z.object({ Location: z.string() }), ...json(phoneNumberSchema) },
        ...withBody, ...common,
        '404': error('identity_not_found or no_numbers_available'),
        '409': error('identity_has_number or idempotency_key_reused'),
        '429': { ...error('phone_number_limit_reached or rate_limited'), headers: retryAfter },
        '502': error('carrier_provisioning_failed (carries workflow_id)'),
      },
    },
    {
      method: 'get', path: base, tags: [tag], summary: 'List phone numbers, newest first',
      request: { query: listNumbersQuerySchema },
      responses: { '200': { description: 'Numbers', ...json(z.array(phoneNumberSchema)) }, '422': validationError, ...common },
    },
    {
      method: 'get', path: item, tags: [tag], summary: 'Get a phone number (any status)', request: { params: numberId },
      responses: { '200': { description: 'The number', ...json(phoneNumberSchema) }, ...owned, ...common },
    },
    {
      method: 'patch', path: item, tags: [tag], summary: 'Update call handling (merged, then validated)',
      request: { params: numberId, body: { ...json(updateNumberBodySchema) } },
      responses: {
        '200': { description: 'The updated number', ...json(phoneNumberSchema) },
        ...withBody, ...owned, ...common, '409': error('number_released'),
      },
    },
    {
      method: 'delete', path: item, tags: [tag], summary: 'Release a phone number (idempotent)', request: { params: numberId },
      responses: { '204': { description: 'Released (or already released)' }, ...owned, ...common },
    },
  ];
}

function identityRoutes(base: string, tag: string): RouteConfig[] {
  const item = `${base}/{handle}`;
  return [
    {
      method: 'post', path: base, tags: [tag], summary: 'Create an agent identity',
      request: { body: { required: true, ...json(createIdentityBodySchema) } },
      responses: { '201': { description: 'Created', ...json(identitySummarySchema) }, '409': error('identity_exists'), ...withBody, ...common },
    },
    {
      method: 'get', path: base, tags: [tag], summary: 'List agent identities',
      responses: { '200': { description: 'Identities', ...json(z.array(identitySummarySchema)) }, ...common },
    },
    {
      method: 'get', path: item, tags: [tag], summary: 'Get an agent identity with its phone number', request: { params: handle },
      responses: { '200': { description: 'The identity', ...json(identityDetailSchema) }, '404': error('not_found'), ...common },
    },
    {
      method: 'delete', path: item, tags: [tag], summary: 'Release its number, then delete the identity', request: { params: handle },
      responses: { '204': { description: 'Deleted' }, '404': error('not_found'), ...common },
    },
    {
      method: 'delete', path: `${item}/phone_number`, tags: [tag], summary: "Release the identity's phone number (Inkbox SDK release_phone_number)",
      request: { params: handle },
      responses: { '204': { description: 'Released' }, '404': error('not_found: no such identity, or it has no phone number'), ...common },
    },
    {
      method: 'post', path: `${item}/signing-key`, tags: [tag], summary: 'Create or rotate the webhook signing key; the key is shown this once',
      request: { params: handle },
      responses: {
        '200': { description: 'The new key', ...json(signingKeySchema) },
        '404': error('not_found'),
        ...common,
        '503': error('signing_keys_unavailable: SIGNING_KEY_ENCRYPTION_KEY is not configured; or unavailable (with Retry-After)'),
      },
    },
    {
      method: 'get', path: `${item}/signing-key`, tags: [tag], summary: 'Whether the identity has a webhook signing key', request: { params: handle },
      responses: { '200': { description: 'Its status', ...json(signingKeyStatusSchema) }, '404': error('not_found'), ...common },
    },
  ];
}

const callId = z.object({ id: z.string().meta({ description: 'Call UUID', example: '5b0e7c2a-1d3f-4a6b-8c9d-0e1f2a3b4c5d' }) });

function callRoutes(base: string, tag: string): RouteConfig[] {
  const item = `${base}/{id}`;
  const found = { '404': error('not_found: no such call in your organization (or a malformed id)') };
  return [
    {
      method: 'get', path: base, tags: [tag], summary: 'List calls, newest first', request: { query: listCallsQuerySchema },
      responses: { '200': { description: 'Calls', ...json(z.array(callSchema)) }, '422': validationError, ...common },
    },
    {
      method: 'get', path: item, tags: [tag], summary: 'Get a call', request: { params: callId },
      responses: { '200': { description: 'The call', ...json(callSchema) }, ...found, ...common },
    },
    {
      method: 'post', path: `${item}/hangup`, tags: [tag], summary: 'Hang up a live call (the status may stay live for a moment)',
      request: { params: callId },
      responses: { '200': { description: 'The call', ...json(callSchema) }, ...found, '409': error('call_ended'), ...common },
    },
  ];
}

const operationRoutes: RouteConfig[] = [
  {
    method: 'post', path: '/webhooks/telnyx', tags: ['carrier'], summary: 'Telnyx webhook (Ed25519-signed)',
    security: [],
    responses: { '200': { description: 'Accepted (unknown events are ignored)' }, '401': error('unauthorized: bad or missing signature') },
  },
  { method: 'get', path: '/healthz', tags: ['operations'], summary: 'Liveness', security: [], responses: { '200': { description: 'Alive' } } },
  {
    method: 'get', path: '/readyz', tags: ['operations'], summary: 'Readiness: database and Temporal reachable', security: [],
    responses: { '200': { description: 'Ready' }, '503': { ...error('unavailable'), headers: retryAfter } },
  },
];

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'ApiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  registry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  const routes = [
    ...numberRoutes('/api/v1/phone/numbers', 'phone numbers'),
    ...numberRoutes('/numbers', 'phone numbers (short alias)'),
    ...identityRoutes('/api/v1/identities', 'identities'),
    ...identityRoutes('/identities', 'identities (short alias)'),
    ...callRoutes('/api/v1/phone/calls', 'calls'),
    ...callRoutes('/calls', 'calls (short alias)'),
    ...operationRoutes,
  ];
  for (const route of routes) registry.registerPath(route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Phone numbers for AI agents (Inkbox-compatible)',
      version: '1.0.0',
      description: 'Errors are `{"detail", "error", "workflow_id"?}`; a trailing slash is accepted on every path.',
    },
    security: [{ ApiKey: [] }, { Bearer: [] }],
  });
}
