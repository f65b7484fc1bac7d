import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { workflowIds } from '../../../domain/workflow-contract.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

const rowsOf = (organizationId: string) =>
  h.db.selectFrom('phone_numbers').selectAll().where('organization_id', '=', organizationId).execute();

const ordersOf = async (organizationId: string) =>
  (await h.control.orders()).filter((order) => order.customer_reference?.startsWith(workflowIds.provisionsOf(organizationId)));

describe('Idempotency-Key', () => {
  test('when the same key and body are sent twice in sequence, then the same 201 object and one number', async () => {
    const org = await h.newOrganization();
    const request = { body: { agent_handle: 'agent' }, headers: { 'idempotency-key': 'order-1' } };

    const first = await org.call('POST', '/numbers', request);
    const second = await org.call('POST', '/numbers', { body: { type: 'toll_free', agent_handle: '@agent' }, headers: request.headers });

    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body).toEqual(first.body);
    expect(await rowsOf(org.organizationId)).toHaveLength(1);
    expect(await ordersOf(org.organizationId)).toHaveLength(1);
  });

  test('when the same key is sent concurrently, then every answer names the one number ordered once', async () => {
    const org = await h.newOrganization();
    const request = { body: { agent_handle: 'agent' }, headers: { 'idempotency-key': 'burst' } };

    const answers = await Promise.all(Array.from({ length: 8 }, () => org.call('POST', '/numbers', request)));

    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    expect(await rowsOf(org.organizationId)).toHaveLength(1);
    expect(await ordersOf(org.organizationId)).toHaveLength(1);
  });

  test('when the same key comes with another body, then 409 idempotency_key_reused and nothing more is ordered', async () => {
    const org = await h.newOrganization(['agent', 'other']);
    const headers = { 'idempotency-key': 'reused' };
    expect((await org.call('POST', '/numbers', { body: { agent_handle: 'agent' }, headers })).status).toBe(201);

    const reused = await org.call('POST', '/numbers', { body: { agent_handle: 'other' }, headers });

    expect([reused.status, reused.body.error]).toEqual([409, 'idempotency_key_reused']);
    expect(await rowsOf(org.organizationId)).toHaveLength(1);
  });

  test('when a keyed request failed, then its retry gets the same error', async () => {
    const org = await h.newOrganization();
    expect((await org.call('POST', '/numbers', { body: { agent_handle: 'agent' } })).status).toBe(201);
    const request = { body: { agent_handle: 'agent' }, headers: { 'idempotency-key': 'second-for-agent' } };

    const first = await org.call('POST', '/numbers', request);
    const retry = await org.call('POST', '/numbers', request);

    expect([first.status, first.body.error]).toEqual([409, 'identity_has_number']);
    expect(retry.body).toEqual(first.body);
  });

  test('when one key is used by two organizations, then each gets its own number', async () => {
    const one = await h.newOrganization();
    const two = await h.newOrganization();
    const request = { body: { agent_handle: 'agent' }, headers: { 'idempotency-key': 'shared-key' } };

    const [a, b] = await Promise.all([one.call('POST', '/numbers', request), two.call('POST', '/numbers', request)]);

    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
  });
});

describe('organization limit', () => {
  test('when 20 POSTs race for one organization, then exactly the limit get 201 and the rest 429', async () => {
    const handles = Array.from({ length: 20 }, (_, i) => `racer-${i}`);
    const org = await h.newOrganization(handles);

    const answers = await Promise.all(handles.map((handle) => org.call('POST', '/numbers', { body: { agent_handle: handle } })));

    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(h.config.ORG_NUMBER_LIMIT).fill(201), ...Array(20 - h.config.ORG_NUMBER_LIMIT).fill(429)]);
    for (const refused of answers.filter((answer) => answer.status === 429)) expect(refused.body.error).toBe('phone_number_limit_reached');
    const live = (await rowsOf(org.organizationId)).filter((row) => row.status === 'active');
    expect(live).toHaveLength(h.config.ORG_NUMBER_LIMIT);
    const owned = (await h.control.ownedNumbers()).filter((number) => number.customer_reference?.startsWith(workflowIds.provisionsOf(org.organizationId)));
    expect(owned.map((number) => number.phone_number).sort()).toEqual(live.map((row) => row.number).sort());
  });
});
