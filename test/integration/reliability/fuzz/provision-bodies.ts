import fc from 'fast-check';
import { anyContentType, anyJsonText } from '../../../support/fuzz.js';

/** A host that is public, internal, unresolvable or malformed. */
const anyHost = fc.oneof(
  fc.constantFrom('agent.example.com', 'localhost', '127.0.0.1', '[::1]', '169.254.169.254', 'metadata.google.internal', '10.0.0.1', '[::ffff:10.0.0.1]'),
  fc.ipV4(),
  fc.ipV6().map((address) => `[${address}]`),
  fc.domain(),
);

/** Callback URLs of every kind: valid, internal, malformed, too long. */
export const anyUrl = fc.oneof(
  fc.constantFrom('wss://agent.example.com/\u0000', 'https://agent.example.com/a b', 'wss://agent.example.com/\t\n', ' https://agent.example.com/\u007f'),
  fc.tuple(fc.constantFrom('wss', 'https', 'ws', 'http', 'ftp', 'javascript'), anyHost, fc.webPath()).map(([scheme, host, path]) => `${scheme}://${host}${path}`),
  fc.webUrl({ validSchemes: ['https', 'wss'], withQueryParameters: true, withFragments: true }),
  fc.string({ maxLength: 60 }),
  fc.integer({ min: 2040, max: 2100 }).map((length) => `https://agent.example.com/${'p'.repeat(length)}`),
);
const anything = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(null));

/** Bodies close to a provision request, valid or not, so validation is exercised field by field. */
export const nearlyValidProvision = fc
  .record(
    {
      agent_handle: fc.oneof(fc.constantFrom('agent', '@agent', 'placeholder', '@', '@@a', ''), fc.stringMatching(/^@?[A-Za-z0-9._-]{1,70}$/), anything),
      type: fc.oneof(fc.constantFrom('toll_free', 'local', 'mobile', 'TOLL_FREE'), anything),
      state: fc.oneof(fc.constantFrom('NY', 'ny', 'DC', 'XX', 'N', 'NYC'), anything),
      incoming_call_action: fc.oneof(fc.constantFrom('auto_accept', 'auto_reject', 'webhook', 'ring'), anything),
      client_websocket_url: fc.oneof(anyUrl, anything),
      incoming_call_webhook_url: fc.oneof(anyUrl, anything),
    },
    { requiredKeys: [] },
  )
  .chain((body) => fc.option(fc.dictionary(fc.string({ maxLength: 12 }), anything, { maxKeys: 2 }), { nil: undefined }).map((extra): Record<string, unknown> => ({ ...extra, ...body })));

/** The handles of the organization the refusal fuzz posts for; `validProvision` names one of them. */
export const armedHandles = ['agent', 'placeholder'] as const;

/** A valid provision request for an identity of the armed organization: sent as is, it reaches the carrier. */
export const validProvision = fc
  .record({
    agent_handle: fc.constantFrom(...armedHandles, ...armedHandles.map((handle) => `@${handle}`)),
    where: fc.constantFrom({ type: 'toll_free' }, {}, { type: 'local', state: 'NY' }, { type: 'local', state: 'ny' }),
    calls: fc.constantFrom(
      {},
      { incoming_call_action: 'auto_reject' },
      { incoming_call_action: 'auto_accept', client_websocket_url: 'wss://agent.example.com/calls' },
      { incoming_call_action: 'webhook', incoming_call_webhook_url: 'https://agent.example.com/hooks/calls', client_websocket_url: null },
    ),
  })
  .map(({ agent_handle, where, calls }): Record<string, unknown> => ({ agent_handle, ...where, ...calls }));

const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), fc.constant({}));
const notAValid = (...values: string[]) => fc.oneof(fc.constantFrom(...values), notAString);

/**
 * One change that makes any provision body invalid (or name no identity of the armed organization),
 * whatever its other fields: `drop` removes a field, `set` overrides fields.
 */
const defect = fc.oneof(
  fc.constant({ drop: 'agent_handle' }),
  notAValid('', '@', '@@agent', 'agent!', 'ag ent', 'x'.repeat(65), `@${'x'.repeat(65)}`).map((agent_handle) => ({ set: { agent_handle } })),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/).map((handle) => ({ set: { agent_handle: `nobody-${handle}` } })),
  notAValid('mobile', 'TOLL_FREE', 'Local', 'toll-free', '').map((type) => ({ set: { type } })),
  fc.oneof(fc.constantFrom('XX', 'N', 'NYC', 'N1', '', ' NY', 'ZZ'), fc.integer(), fc.boolean(), fc.constant([])).map((state) => ({ set: { state } })),
  notAValid('ring', 'AUTO_ACCEPT', 'webhooks', '').map((incoming_call_action) => ({ set: { incoming_call_action } })),
  fc
    .constantFrom('https://agent.example.com/calls', 'ws://agent.example.com/', 'wss://', 'wss://agent.example.com/a b', 'wss://agent.example.com/\u0000', 'wss://127.0.0.1/', 'wss://10.0.0.1/x', 'wss://169.254.169.254/', 'wss://[::1]/', 'wss://localhost/', '')
    .map((client_websocket_url) => ({ set: { client_websocket_url } })),
  fc
    .constantFrom('wss://agent.example.com/hooks', 'http://agent.example.com/', 'https://127.0.0.1/', 'https://10.0.0.1/', 'https://[::ffff:10.0.0.1]/', `https://agent.example.com/${'p'.repeat(2048)}`)
    .map((incoming_call_webhook_url) => ({ set: { incoming_call_webhook_url } })),
  fc.constant({ set: { incoming_call_action: 'auto_accept', client_websocket_url: null } }),
  fc.constant({ set: { incoming_call_action: 'webhook', incoming_call_webhook_url: null } }),
  fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), anything).map(([key, value]) => ({ set: { [`x_${key}`]: value } })),
);
type Defect = { drop: string } | { set: Record<string, unknown> };

function withDefects(body: Record<string, unknown>, defects: Defect[]): Record<string, unknown> {
  const broken = { ...body };
  for (const each of defects) {
    if ('drop' in each) delete broken[each.drop];
    else Object.assign(broken, each.set);
  }
  return broken;
}

/** Text that is not a JSON object carrying `agent_handle`, so it cannot be a provision request by chance. */
const unlikeProvision = (text: string) => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value !== 'object' || value === null || !('agent_handle' in value);
  } catch {
    return true;
  }
};

/** Content types the API refuses (415) whatever the body. */
const nonJsonContentType = fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '');

/** Mostly JSON, so a defective body meets validation rather than the content-type check. */
const mostlyJson = fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: anyContentType });

/**
 * `[body, content type]` of a POST /numbers that must be refused before the carrier: a valid request
 * with one or two defects, near-valid bodies with one more, a valid body that is not sent as JSON,
 * JSON and text of every other shape, and bodies over the size limit.
 */
export const refusedProvisionRequest = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.tuple(validProvision, fc.array(defect, { minLength: 1, maxLength: 2 })).map(([body, defects]) => JSON.stringify(withDefects(body, defects))), mostlyJson) },
  { weight: 2, arbitrary: fc.tuple(fc.tuple(nearlyValidProvision, defect).map(([body, one]) => JSON.stringify(withDefects(body, [one]))), mostlyJson) },
  { weight: 1, arbitrary: fc.tuple(validProvision.map((body) => JSON.stringify(body)), nonJsonContentType) },
  { weight: 2, arbitrary: fc.tuple(anyJsonText.filter(unlikeProvision), anyContentType) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 200 }).filter(unlikeProvision), anyContentType) },
  { weight: 1, arbitrary: fc.tuple(fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes).toString('latin1')).filter(unlikeProvision), anyContentType) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.integer({ min: 16 * 1024 - 20, max: 20 * 1024 }).map((size) => JSON.stringify({ agent_handle: 'agent', pad: 'x'.repeat(size) })),
      anyContentType,
    ),
  },
);
