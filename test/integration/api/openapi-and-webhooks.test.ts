import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { waitFor } from '../../support/workflow-harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Every route api.md names, under both path forms. */
const documentedRoutes: [string, string][] = [
  ...['/api/v1/phone/numbers', '/numbers'].flatMap((base): [string, string][] => [
    ['post', base], ['get', base], ['get', `${base}/{id}`], ['patch', `${base}/{id}`], ['delete', `${base}/{id}`],
  ]),
  ...['/api/v1/identities', '/identities'].flatMap((base): [string, string][] => [
    ['post', base], ['get', base], ['get', `${base}/{handle}`], ['delete', `${base}/{handle}`],
    // Not in api.md: the Inkbox SDKs' identity.release_phone_number() calls it.
    ['delete', `${base}/{handle}/phone_number`],
    ['post', `${base}/{handle}/signing-key`], ['get', `${base}/{handle}/signing-key`],
  ]),
  ...['/api/v1/phone/calls', '/calls'].flatMap((base): [string, string][] => [
    ['get', base], ['get', `${base}/{id}`], ['post', `${base}/{id}/hangup`],
  ]),
  ['post', '/webhooks/telnyx'], ['get', '/healthz'], ['get', '/readyz'],
];

function collectRefs(node: unknown, refs: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => collectRefs(item, refs));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') refs.push(value);
      else collectRefs(value, refs);
    }
  }
  return refs;
}

describe('OpenAPI', () => {
  test('when /openapi.json is read, then it is a structurally valid 3.1 document listing every route', async () => {
    const { status, body: document } = await h.call('GET', '/openapi.json');

    expect(status).toBe(200);
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const listed = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).filter((key) => ['get', 'post', 'patch', 'put', 'delete'].includes(key)).map((method) => [method, path]),
    );
    expect(listed.map((route) => route.join(' ')).sort()).toEqual(documentedRoutes.map((route) => route.join(' ')).sort());
    for (const [method, path] of documentedRoutes) {
      const operation = document.paths[path][method];
      expect(Object.keys(operation.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      for (const param of path.match(/\{(\w+)\}/g) ?? []) {
        expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain(`path:${param.slice(1, -1)}`);
      }
    }
    for (const ref of collectRefs(document)) {
      const target = ref.replace(/^#\//, '').split('/').reduce((node: Record<string, unknown> | undefined, part) => node?.[part] as Record<string, unknown>, document);
      expect(target, ref).toBeDefined();
    }
    const provision = document.paths['/api/v1/phone/numbers'].post;
    expect(Object.keys(provision.responses).sort()).toEqual(['201', '202', '400', '401', '404', '409', '413', '415', '422', '429', '502', '503']);
    expect(document.components.schemas.ProvisionPhoneNumberRequest.additionalProperties).toBe(false);
  });

  test('when /docs is opened, then the page and its assets are served by the service itself', async () => {
    const page = await h.call('GET', '/docs/');
    const bundle = await fetch(`${h.url}/docs/swagger-ui-bundle.js`);

    expect(page.status).toBe(200);
    expect(page.body).toContain('swagger-ui');
    expect(page.body).not.toMatch(/src=["']https?:\/\//);
    expect(bundle.status).toBe(200);
  });
});

const otherKey = generateKeyPairSync('ed25519').privateKey;
const event = (customerReference: string) =>
  JSON.stringify({
    data: {
      event_type: 'number_order.complete',
      id: crypto.randomUUID(),
      occurred_at: new Date().toISOString(),
      record_type: 'event',
      payload: { id: crypto.randomUUID(), status: 'success', customer_reference: customerReference },
    },
  });
const signedBy = (key: typeof otherKey, body: string, timestamp = Math.floor(Date.now() / 1000)) => ({
  'content-type': 'application/json',
  'telnyx-timestamp': String(timestamp),
  'telnyx-signature-ed25519': sign(null, Buffer.from(`${timestamp}|${body}`), key).toString('base64'),
});

describe('POST /webhooks/telnyx', () => {
  test.each([
    ['unsigned', (_body: string) => ({ 'content-type': 'application/json' })],
    ['signed by another key', (body: string) => signedBy(otherKey, body)],
    ['stale', (body: string) => h.signAsCarrier(body, Math.floor(Date.now() / 1000) - 3600)],
  ])('when the event is %s, then 401 and nothing is signalled', async (_name, headersFor) => {
    const body = event('provision/none/none');
    const response = await h.call('POST', '/webhooks/telnyx', { rawBody: body, headers: headersFor(body) });
    expect([response.status, response.body.error]).toEqual([401, 'unauthorized']);
  });

  test('when the sandbox completes an order, then its signed webhook is accepted and signals the provisioning workflow', async () => {
    const org = await h.newOrganization();
    await h.control.configure({ order_completion: { mode: 'never' } });
    try {
      const accepted = await org.call('POST', '/numbers', { body: { agent_handle: 'agent' }, headers: { prefer: 'respond-async' } });
      const workflowId: string = accepted.body.provisioning.workflow_id;
      const row = await waitFor(
        () => h.db.selectFrom('phone_numbers').selectAll().where('id', '=', accepted.body.id).where('carrier_order_id', 'is not', null).executeTakeFirst(),
        'the order to be placed',
      );

      await h.control.completeOrder(row.carrier_order_id!);

      await waitFor(async () => (await org.call('GET', `/numbers/${row.id}`)).body.status === 'active', 'activation');
      const deliveries = (await h.control.webhooks()).filter((delivery) => delivery.url === `${h.url}/webhooks/telnyx`);
      expect(deliveries.some((delivery) => delivery.event_type === 'number_order.complete' && delivery.status === 200)).toBe(true);
      const history = await h.temporal.workflow.getHandle(workflowId).fetchHistory();
      const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'orderCompleted');
      expect(signals.length).toBeGreaterThan(0);
    } finally {
      await h.control.configure({ order_completion: { mode: 'instant' } });
    }
  });

  test('when the body was changed after the carrier signed it, then 401', async () => {
    const body = event('provision/none/none');
    const headers = h.signAsCarrier(body);
    const response = await h.call('POST', '/webhooks/telnyx', { rawBody: body.replace('success', 'failure'), headers });
    expect([response.status, response.body.error]).toEqual([401, 'unauthorized']);
  });

  test('when a carrier-signed event names no workflow, or is of another type, then 200 and ignored', async () => {
    const unknownWorkflow = event(`provision/${crypto.randomUUID()}/gone`);
    const otherType = JSON.stringify({
      data: { event_type: 'call.initiated', id: crypto.randomUUID(), occurred_at: new Date().toISOString(), record_type: 'event', payload: {} },
    });

    const answers = await Promise.all(
      [unknownWorkflow, otherType].map((body) => h.call('POST', '/webhooks/telnyx/', { rawBody: body, headers: h.signAsCarrier(body) })),
    );

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
  });
});
