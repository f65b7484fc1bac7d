import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCustomerWebhookActivities, type CustomerWebhookActivityDeps } from '../../../activities/customer-webhook-activities.js';
import { insertOrFindCall } from '../../../db/repositories/calls.js';
import { rotateSigningKey } from '../../../db/repositories/signing-keys.js';
import type { CallRow, Database } from '../../../db/schema.js';
import { workflowIds } from '../../../domain/workflow-contract.js';
import { activityContext } from '../carrier/activity-context.js';
import { connectTestDatabase, createTestOrganization } from '../../support/test-database.js';
import { makeTestCertificates, type TestCertificates } from '../../support/tls-certificates.js';
import { startCustomerCallReceiver, trustInThisProcess, type CustomerCallReceiver, type CustomerReply } from '../../support/customer-call-receiver.js';
import { incomingCallPayloadFields, inkboxPython, verifyWithInkboxSdk } from '../../support/inkbox-python.js';

/**
 * askCustomerWebhook end to end: real PostgreSQL rows (organization, identities, numbers, the call,
 * the encrypted signing key), a real HTTPS receiver whose test CA this process trusts (as a deployment
 * trusts a private CA through NODE_EXTRA_CA_CERTS), and the official Inkbox SDK checking what arrived.
 */

let db: Kysely<Database>;
let certificates: TestCertificates;
let receiver: CustomerCallReceiver;
let python: string;
const encryptionKey = randomBytes(32).toString('base64');

beforeAll(async () => {
  db = connectTestDatabase();
  certificates = makeTestCertificates();
  receiver = await startCustomerCallReceiver(certificates);
  trustInThisProcess(certificates);
  python = await inkboxPython();
}, 300_000);

afterAll(async () => {
  await receiver?.close();
  await db?.destroy();
});

const e164 = () => `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

function activities(config: Partial<CustomerWebhookActivityDeps['config']> = {}) {
  return createCustomerWebhookActivities({
    db,
    config: { ALLOW_PRIVATE_CALLBACK_URLS: true, CALL_WEBHOOK_TIMEOUT_MS: 2_000, SIGNING_KEY_ENCRYPTION_KEY: encryptionKey, ...config },
  });
}

async function insertNumber(organizationId: string, identityId: string | null, fields: { webhookUrl?: string } = {}) {
  return db
    .insertInto('phone_numbers')
    .values({
      id: randomUUID(),
      organization_id: organizationId,
      agent_identity_id: identityId,
      number: e164(),
      type: 'local',
      status: 'active',
      incoming_call_action: 'webhook',
      client_websocket_url: 'wss://agent.example.com/calls',
      incoming_call_webhook_url: fields.webhookUrl ?? null,
      workflow_id: `test/outbound/${randomUUID()}`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * An organization whose identity `callee` has a webhook number answering `reply` on a path of its own,
 * a signing key, and a ringing call from `from` (by default a number of the organization's identity `caller`).
 */
async function ringingCall(reply: CustomerReply, options: { withKey?: boolean; from?: string } = {}) {
  const { organization, identity: callee } = await createTestOrganization(db, 'callee');
  const caller = await db.insertInto('identities').values({ organization_id: organization.id, agent_handle: 'caller' }).returningAll().executeTakeFirstOrThrow();
  const path = `/calls/${randomUUID()}`;
  const number = await insertNumber(organization.id, callee.id, { webhookUrl: receiver.answerOn(path, reply) });
  const callerNumber = await insertNumber(organization.id, caller.id);
  const signingKey = options.withKey === false ? undefined : (await rotateSigningKey(db, organization.id, callee.id, encryptionKey))?.signingKey;
  const callControlId = `v3:test-${randomUUID()}`;
  const call: CallRow = await insertOrFindCall(db, {
    organization_id: organization.id,
    phone_number_id: number.id,
    agent_identity_id: callee.id,
    call_control_id: callControlId,
    workflow_id: workflowIds.call(callControlId),
    local_phone_number: number.number as string,
    remote_phone_number: options.from ?? (callerNumber.number as string),
    status: 'ringing',
    incoming_call_action: 'webhook',
    client_websocket_url: null,
  });
  return { organization, callee, caller, number, call, path, signingKey };
}

describe('askCustomerWebhook', () => {
  test('when the customer answers, then it received the flat Inkbox payload, signed so that the SDK verifies it, and the decision comes back', async () => {
    const { call, caller, number, path, signingKey } = await ringingCall({ body: { action: 'answer', client_websocket_url: 'wss://agent.example.com/calls/7' } });
    const context = activityContext();

    const outcome = await context.run(() => activities().askCustomerWebhook({ callId: call.id }));

    expect(outcome).toEqual({ ok: true, decision: { action: 'answer', clientWebsocketUrl: 'wss://agent.example.com/calls/7' } });
    const [delivery] = receiver.receivedOn(path);
    expect(JSON.parse(delivery?.body ?? '')).toEqual({
      id: call.id,
      phone_number_id: number.id,
      local_phone_number: call.local_phone_number,
      remote_phone_number: call.remote_phone_number,
      direction: 'inbound',
      status: 'ringing',
      client_websocket_url: 'wss://agent.example.com/calls',
      use_inkbox_tts: null,
      use_inkbox_stt: null,
      hangup_reason: null,
      started_at: null,
      ended_at: null,
      created_at: call.created_at.toISOString(),
      updated_at: call.updated_at.toISOString(),
      rate_limit: null,
      contacts: [],
      agent_identities: [{ id: caller.id, agent_handle: 'caller', display_name: null }],
    });
    expect(delivery?.headers['content-type']).toBe('application/json');
    expect((await verifyWithInkboxSdk(python, [{ payload: delivery?.body ?? '', headers: delivery?.headers ?? {}, secret: signingKey as string }])).verified).toEqual([true]);
    expect(Number(delivery?.headers['x-inkbox-timestamp'])).toBeGreaterThan(1_700_000_000);
  });

  test('when the payload is compared with the SDK type, then it has every field of PhoneIncomingCallWebhookPayload and phone_number_id besides', async () => {
    const { call, path } = await ringingCall({ body: { action: 'ignore' } });

    await activityContext().run(() => activities().askCustomerWebhook({ callId: call.id }));

    const fields = await incomingCallPayloadFields(python);
    expect(Object.keys(JSON.parse(receiver.receivedOn(path)[0]?.body ?? '{}')).sort()).toEqual([...fields, 'phone_number_id'].sort());
  });

  test('when the same call is asked twice, then each delivery has its own request id and both verify', async () => {
    const { call, path, signingKey } = await ringingCall({ body: { action: 'reject' } });

    await activityContext().run(() => activities().askCustomerWebhook({ callId: call.id }));
    await activityContext().run(() => activities().askCustomerWebhook({ callId: call.id }));

    const deliveries = receiver.receivedOn(path);
    expect(new Set(deliveries.map((delivery) => delivery.headers['x-inkbox-request-id'])).size).toBe(2);
    expect((await verifyWithInkboxSdk(python, deliveries.map((delivery) => ({ payload: delivery.body, headers: delivery.headers, secret: signingKey as string })))).verified).toEqual([true, true]);
  });

  test('when the caller is not a number of the organization, then agent_identities is empty', async () => {
    const other = await createTestOrganization(db, 'stranger');
    const strangerNumber = await insertNumber(other.organization.id, other.identity.id);
    const { call, path } = await ringingCall({ body: { action: 'reject' } }, { from: strangerNumber.number as string });

    await activityContext().run(() => activities().askCustomerWebhook({ callId: call.id }));

    expect(JSON.parse(receiver.receivedOn(path)[0]?.body ?? '{}')).toMatchObject({ agent_identities: [], remote_phone_number: strangerNumber.number });
  });

  test('when the customer answers 500, then the outcome is webhook_non_2xx (no throw, so no retry asks again) and the detail is logged for operators', async () => {
    const { call, path } = await ringingCall({ status: 500, body: { detail: 'boom' } });
    const context = activityContext();

    const outcome = await context.run(() => activities().askCustomerWebhook({ callId: call.id }));

    expect(outcome).toMatchObject({ ok: false, reason: 'webhook_non_2xx', detail: expect.stringContaining('500') });
    expect(receiver.receivedOn(path)).toHaveLength(1);
    expect(context.logged).toContainEqual(expect.objectContaining({ level: 'WARN', meta: expect.objectContaining({ callId: call.id, reason: 'webhook_non_2xx' }) }));
  });

  test('when the worker runs in production mode, then a loopback webhook URL is refused at call time and nothing is sent', async () => {
    const { call, path } = await ringingCall({ body: { action: 'answer' } });

    const outcome = await activityContext().run(() => activities({ ALLOW_PRIVATE_CALLBACK_URLS: false }).askCustomerWebhook({ callId: call.id }));

    expect(outcome).toMatchObject({ ok: false, reason: 'webhook_address_refused' });
    expect(receiver.receivedOn(path)).toEqual([]);
  });

  test.each([
    ['the identity has no signing key', { withKey: false }, {}],
    ['SIGNING_KEY_ENCRYPTION_KEY is not set', {}, { SIGNING_KEY_ENCRYPTION_KEY: undefined }],
    ['the key was encrypted under another SIGNING_KEY_ENCRYPTION_KEY', {}, { SIGNING_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }],
  ])('when %s, then signing_key_missing and nothing is sent unsigned', async (_name, callOptions, config) => {
    const { call, path } = await ringingCall({ body: { action: 'answer' } }, callOptions);

    const outcome = await activityContext().run(() => activities(config).askCustomerWebhook({ callId: call.id }));

    expect(outcome).toMatchObject({ ok: false, reason: 'signing_key_missing' });
    expect(receiver.receivedOn(path)).toEqual([]);
  });

  test('when the call has no row, then it fails non-retryably with CallNotFound', async () => {
    await expect(activityContext().run(() => activities().askCustomerWebhook({ callId: randomUUID() }))).rejects.toMatchObject({ type: 'CallNotFound', nonRetryable: true });
  });
});
