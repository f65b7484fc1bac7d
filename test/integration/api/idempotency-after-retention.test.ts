import { createHash, randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { normalizeProvisionBody } from '../../../api/numbers/normalized-request.js';
import { requestHash } from '../../../api/numbers/request-hash.js';
import { provisionNumberBodySchema } from '../../../api/numbers/schemas.js';
import type { PhoneNumberUpdate } from '../../../db/schema.js';
import { workflowIds, workflowTypes } from '../../../domain/workflow-contract.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { claimOfKey, forgetWorkflowOfKey } from '../../support/retained-keys.js';
import { waitFor } from '../../support/workflow-harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

type Org = Awaited<ReturnType<ApiHarness['newOrganization']>>;

const ordersOf = async (organizationId: string) =>
  (await h.control.orders()).filter((order) => order.customer_reference?.startsWith(workflowIds.provisionsOf(organizationId)));

const rowOf = (id: string) => h.db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const workflowExists = (workflowId: string) =>
  h.temporal.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => true,
      (error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      },
    );

/** The workflow id the API recorded under the key. */
const workflowIdOfKey = async (org: Org, key: string) => (await claimOfKey(h.db, org.organizationId, key)).workflow_id;

/** A first POST under the key, as a client would send it, the workflow id the key was claimed with, and a way to forget it. */
async function provisionWithKey(key: string, body: Record<string, unknown> = { agent_handle: 'agent' }) {
  const org = await h.newOrganization();
  const request = { body, headers: { 'idempotency-key': key } };
  const first = await org.call('POST', '/numbers', request);
  const forget = async () => (await forgetWorkflowOfKey(h.db, org.organizationId, key)).workflowId;
  return { org, request, first, workflowId: await workflowIdOfKey(org, key), forget };
}

describe('Idempotency-Key after Temporal retention removed the workflow', () => {
  test('when the number became active, then the retry answers the same 201 object without starting a workflow or ordering', async () => {
    const { org, request, first, forget } = await provisionWithKey('active-then-forgotten');
    expect(first.status).toBe(201);
    const workflowId = await forget();
    const ordersBefore = await ordersOf(org.organizationId);

    const retry = await org.call('POST', '/numbers', request);

    expect([retry.status, retry.body]).toEqual([201, first.body]);
    expect(await workflowExists(workflowId)).toBe(false);
    expect(await ordersOf(org.organizationId)).toEqual(ordersBefore);
  });

  test('when the carrier had failed the order, then the retry answers the same 502 and buys nothing', async () => {
    await h.control.configure({ order_completion: { mode: 'fail' } });
    let settled;
    try {
      settled = await provisionWithKey('carrier-failed-then-forgotten');
    } finally {
      await h.control.configure({ order_completion: { mode: 'instant' } });
    }
    const { org, request, first, forget } = settled;
    expect([first.status, first.body.error, first.body.workflow_id]).toEqual([502, 'carrier_provisioning_failed', settled.workflowId]);
    const workflowId = await forget();
    const ordersBefore = await ordersOf(org.organizationId);

    const retry = await org.call('POST', '/numbers', request);

    expect([retry.status, retry.body]).toEqual([502, { ...first.body, workflow_id: workflowId }]);
    expect(await workflowExists(workflowId)).toBe(false);
    expect(await ordersOf(org.organizationId)).toEqual(ordersBefore);
  });

  test('when the carrier had no number to sell, then the retry answers the same 404 no_numbers_available without starting a workflow', async () => {
    // The harness's sandbox sells local numbers in NY only.
    const { org, request, first, forget } = await provisionWithKey('none-then-forgotten', { agent_handle: 'agent', type: 'local', state: 'CA' });
    expect([first.status, first.body.error]).toEqual([404, 'no_numbers_available']);
    const workflowId = await forget();

    const retry = await org.call('POST', '/numbers', request);

    expect([retry.status, retry.body]).toEqual([404, first.body]);
    expect(await workflowExists(workflowId)).toBe(false);
  });

  test('when the number was released since, then the retry answers 201 with the released number and buys nothing', async () => {
    const { org, request, first, forget } = await provisionWithKey('released-then-forgotten');
    expect(first.status).toBe(201);
    expect((await org.call('DELETE', `/numbers/${first.body.id}`)).status).toBe(204);
    await waitFor(async () => (await rowOf(first.body.id)).carrier_released_at, 'the carrier release');
    const workflowId = await forget();
    const ordersBefore = await ordersOf(org.organizationId);

    const retry = await org.call('POST', '/numbers', request);

    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: first.body.id, number: first.body.number, status: 'released' });
    expect(await workflowExists(workflowId)).toBe(false);
    expect(await ordersOf(org.organizationId)).toEqual(ordersBefore);
  });

  test('when the number was paused since, then the retry answers 201 with the paused number', async () => {
    const { org, request, first, forget } = await provisionWithKey('paused-then-forgotten');
    await h.db.updateTable('phone_numbers').set({ status: 'paused' }).where('id', '=', first.body.id).execute();
    const workflowId = await forget();

    const retry = await org.call('POST', '/numbers', request);

    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: first.body.id, number: first.body.number, status: 'paused' });
    expect(await workflowExists(workflowId)).toBe(false);
  });

  test('when a release had cancelled the provisioning, then the retry answers 409 number_released with the workflow id', async () => {
    const { org, request, first, forget } = await provisionWithKey('cancelled-then-forgotten');
    // The row a release leaves of a provisioning it cancelled (a real cancel cannot be timed through HTTP).
    const cancelled: PhoneNumberUpdate = {
      status: 'released',
      provisioning_step: 'failed',
      failure_reason: 'Provisioning was cancelled; nothing bought was kept',
      agent_identity_id: null,
    };
    await h.db.updateTable('phone_numbers').set(cancelled).where('id', '=', first.body.id).execute();
    const workflowId = await forget();

    const retry = await org.call('POST', '/numbers', request);

    expect([retry.status, retry.body.error, retry.body.workflow_id]).toEqual([409, 'number_released', workflowId]);
    expect(await workflowExists(workflowId)).toBe(false);
  });

  test('when a new run starts under the id of a settled row anyway, then it fails provisioning_settled and orders nothing', async () => {
    const { org, first, forget } = await provisionWithKey('settled-row-new-run');
    await h.db.updateTable('phone_numbers').set({ status: 'failed', failure_reason: 'Provisioning failed while ordering: test' }).where('id', '=', first.body.id).execute();
    const workflowId = await forget();
    const ordersBefore = await ordersOf(org.organizationId);
    const row = await rowOf(first.body.id);

    const handle = await h.temporal.workflow.start(workflowTypes.provision, {
      workflowId,
      taskQueue: h.config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          organizationId: org.organizationId,
          phoneNumberId: row.id,
          agentHandle: 'agent',
          type: row.type,
          state: row.state,
          callSettings: { incomingCallAction: row.incoming_call_action, clientWebsocketUrl: null, incomingCallWebhookUrl: null },
          orderDeadlineMs: h.config.ORDER_DEADLINE_MS,
        },
      ],
    });

    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'provisioning_settled' } });
    expect(await ordersOf(org.organizationId)).toEqual(ordersBefore);
    expect((await rowOf(row.id)).status).toBe('failed');
  });
});

describe('Idempotency-Key length and workflow ids', () => {
  test('when the key is 255 characters, then 201 under a hashed workflow id within 255 characters, and its retry answers the same', async () => {
    const org = await h.newOrganization();
    const key = `k${'x'.repeat(254)}`;
    const request = { body: { agent_handle: 'agent' }, headers: { 'idempotency-key': key } };

    const first = await org.call('POST', '/numbers', request);
    const retry = await org.call('POST', '/numbers', request);

    expect(first.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const workflowId = await workflowIdOfKey(org, key);
    expect(workflowId).toBe(`provision/${org.organizationId}/sha256-${createHash('sha256').update(key).digest('hex')}`);
    expect(workflowId.length).toBeLessThanOrEqual(255);
  });

  test('when a short key is used, then its workflow id is still provision/<org>/<key>', async () => {
    const org = await h.newOrganization();

    expect((await org.call('POST', '/numbers', { body: { agent_handle: 'agent' }, headers: { 'idempotency-key': 'short-key' } })).status).toBe(201);

    expect(await workflowIdOfKey(org, 'short-key')).toBe(`provision/${org.organizationId}/short-key`);
  });

  test('when Temporal refuses the start as invalid, then 422 validation_error, nothing is ordered, and the key is not stuck', async () => {
    const org = await h.newOrganization();
    const body = { agent_handle: 'agent' };
    const key = `legacy-${'y'.repeat(240)}`;
    // A claim recorded before long keys were hashed: its id is over the server's 255-character limit.
    await h.db
      .insertInto('idempotency_keys')
      .values({
        organization_id: org.organizationId,
        key,
        request_hash: requestHash(normalizeProvisionBody(provisionNumberBodySchema.parse(body))),
        workflow_id: `provision/${org.organizationId}/${key}`,
        phone_number_id: randomUUID(),
      })
      .execute();
    const request = { body, headers: { 'idempotency-key': key } };

    const refused = await org.call('POST', '/numbers', request);
    const retry = await org.call('POST', '/numbers', request);

    expect([refused.status, refused.body.error]).toEqual([422, 'validation_error']);
    expect(refused.body.detail).toEqual([expect.objectContaining({ loc: ['header', 'Idempotency-Key'] })]);
    expect(retry.status).toBe(201);
    expect(await ordersOf(org.organizationId)).toHaveLength(1);
  });
});
