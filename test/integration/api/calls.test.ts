import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { NewCall } from '../../../db/schema.js';
import { endedCallStatuses } from '../../../domain/calls.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { insertCall, insertNumberForCalls } from '../../support/call-rows.js';

let h: ApiHarness;
/** Call workflows this file starts: with no worker polling their queue, they run until terminated. */
const started: WorkflowHandle[] = [];

beforeAll(async () => {
  h = await startApiHarness({ worker: false });
});
afterAll(async () => {
  await Promise.all(started.map((handle) => handle.terminate('test over').catch(() => undefined)));
  await h?.close();
});

const isoZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function organizationWithNumber() {
  const org = await h.newOrganization();
  const phoneNumberId = await insertNumberForCalls(h.db, org.organizationId);
  const call = (fields: Partial<NewCall> = {}) => insertCall(h.db, { organizationId: org.organizationId, phoneNumberId, ...fields });
  return { ...org, insertCall: call };
}

/** A running execution under the call's workflow id, as the incoming-call workflow would be, on a queue nobody polls. */
async function startCallWorkflow(workflowId: string): Promise<WorkflowHandle> {
  const handle = await h.temporal.workflow.start('handleIncomingCall', { workflowId, taskQueue: `calls-api-test-${randomUUID()}`, args: [] });
  started.push(handle);
  return handle;
}

async function signalNames(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((event) => event.workflowExecutionSignaledEventAttributes?.signalName ?? []);
}

describe('GET /api/v1/phone/calls', () => {
  test('when calls are listed, then the organization’s own, newest first, as Inkbox call objects', async () => {
    const org = await organizationWithNumber();
    const other = await organizationWithNumber();
    const older = await org.insertCall({ created_at: '2026-01-01T10:00:00Z', status: 'completed', hangup_reason: 'remote' });
    const newer = await org.insertCall({
      created_at: '2026-01-02T10:00:00Z',
      status: 'answered',
      client_websocket_url: 'wss://agent.example.com/calls',
      started_at: new Date('2026-01-02T10:00:01Z'),
    });
    await other.insertCall();

    const response = await org.call('GET', '/api/v1/phone/calls');

    expect(response.status).toBe(200);
    expect(response.body.map((call: { id: string }) => call.id)).toEqual([newer.id, older.id]);
    expect(response.body[0]).toEqual({
      id: newer.id,
      local_phone_number: '+18005550100',
      remote_phone_number: '+12125550123',
      direction: 'inbound',
      status: 'answered',
      client_websocket_url: 'wss://agent.example.com/calls',
      use_inkbox_tts: null,
      use_inkbox_stt: null,
      hangup_reason: null,
      started_at: '2026-01-02T10:00:01.000Z',
      ended_at: null,
      created_at: '2026-01-02T10:00:00.000Z',
      updated_at: expect.stringMatching(isoZ),
      is_blocked: false,
      origin: 'dedicated_number',
      mode: 'client_websocket',
    });
    expect(response.body[1]).toMatchObject({ status: 'completed', hangup_reason: 'remote' });
  });

  test('when limit and offset are given, then that page of the newest-first list (alias /calls too)', async () => {
    const org = await organizationWithNumber();
    const ids: string[] = [];
    for (let day = 1; day <= 5; day++) ids.unshift((await org.insertCall({ created_at: `2026-02-0${day}T00:00:00Z` })).id);

    const page = await org.call('GET', '/api/v1/phone/calls?limit=2&offset=1');
    const rest = await org.call('GET', '/calls/?limit=200&offset=3');
    const past = await org.call('GET', '/calls?offset=5');

    expect(page.body.map((call: { id: string }) => call.id)).toEqual(ids.slice(1, 3));
    expect(rest.body.map((call: { id: string }) => call.id)).toEqual(ids.slice(3));
    expect([past.status, past.body]).toEqual([200, []]);
  });

  test.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=x', 'offset'],
    ['agent_identity_id=00000000-0000-4000-8000-000000000000', 'agent_identity_id'],
  ])('when the query is %s, then 422 validation_error on %s', async (query, field) => {
    const org = await organizationWithNumber();

    const response = await org.call('GET', `/api/v1/phone/calls?${query}`);

    expect([response.status, response.body.error]).toEqual([422, 'validation_error']);
    expect(response.body.detail.map((issue: { loc: string[] }) => issue.loc)).toContainEqual(['query', field]);
  });

  test('when no API key is sent, then 401 unauthorized', async () => {
    const response = await h.call('GET', '/api/v1/phone/calls');
    expect([response.status, response.body.error]).toEqual([401, 'unauthorized']);
  });
});

describe('GET /api/v1/phone/calls/{id}', () => {
  test('when the call is the organization’s, then 200 with it (an upper-case id too)', async () => {
    const org = await organizationWithNumber();
    const row = await org.insertCall({ status: 'canceled', hangup_reason: 'rejected', ended_at: new Date('2026-03-01T00:00:05Z') });

    const response = await org.call('GET', `/api/v1/phone/calls/${row.id.toUpperCase()}`);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: row.id, status: 'canceled', hangup_reason: 'rejected', ended_at: '2026-03-01T00:00:05.000Z' });
  });

  test.each([
    ['another organization’s call', 'other'],
    ['an unknown id', randomUUID()],
    ['a malformed id', 'not-a-uuid'],
  ])('when the id is %s, then 404 not_found', async (_name, id) => {
    const org = await organizationWithNumber();
    const other = await organizationWithNumber();
    const theirs = await other.insertCall();

    const response = await org.call('GET', `/calls/${id === 'other' ? theirs.id : id}`);

    expect([response.status, response.body.error]).toEqual([404, 'not_found']);
  });
});

describe('POST /api/v1/phone/calls/{id}/hangup', () => {
  test.each(endedCallStatuses)('when the call is %s, then 409 call_ended and no signal is sent', async (status) => {
    const org = await organizationWithNumber();
    const row = await org.insertCall({ status, hangup_reason: 'remote', ended_at: new Date('2026-03-01T00:00:05Z') });
    const workflow = await startCallWorkflow(row.workflow_id);

    const response = await org.call('POST', `/api/v1/phone/calls/${row.id}/hangup`);

    expect([response.status, response.body.error]).toEqual([409, 'call_ended']);
    expect(await signalNames(workflow)).toEqual([]);
  });

  test.each(['ringing', 'answered'] as const)(
    'when the call is %s and its workflow runs, then the workflow gets hangupRequested and 200 answers the call',
    async (status) => {
      const org = await organizationWithNumber();
      const row = await org.insertCall({ status });
      const workflow = await startCallWorkflow(row.workflow_id);

      const response = await org.call('POST', `/api/v1/phone/calls/${row.id}/hangup`);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: row.id, status, origin: 'dedicated_number' });
      expect(await signalNames(workflow)).toEqual(['hangupRequested']);
    },
  );

  test('when the row is live but its workflow is gone (closed or past retention), then 409 call_ended', async () => {
    const org = await organizationWithNumber();
    const closed = await org.insertCall({ status: 'answered' });
    const neverStarted = await org.insertCall({ status: 'ringing' });
    await (await startCallWorkflow(closed.workflow_id)).terminate('ended elsewhere');

    const answers = await Promise.all([closed, neverStarted].map((row) => org.call('POST', `/calls/${row.id}/hangup`)));

    expect(answers.map((answer) => [answer.status, answer.body.error])).toEqual([
      [409, 'call_ended'],
      [409, 'call_ended'],
    ]);
  });

  test('when the call is another organization’s, then 404 and its workflow gets no signal', async () => {
    const org = await organizationWithNumber();
    const other = await organizationWithNumber();
    const theirs = await other.insertCall({ status: 'answered' });
    const workflow = await startCallWorkflow(theirs.workflow_id);

    const response = await org.call('POST', `/api/v1/phone/calls/${theirs.id}/hangup`);

    expect([response.status, response.body.error]).toEqual([404, 'not_found']);
    expect(await signalNames(workflow)).toEqual([]);
  });
});
