import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { expect } from 'vitest';
import type { CallProgress } from '../../../domain/calls.js';
import { workflowIds } from '../../../domain/workflow-contract.js';
import type { ApiHarness } from '../../support/api-harness.js';
import { historiesDir } from '../../support/workflow-harness.js';

/** Call Control events as Telnyx sends them (the envelope, signed with the carrier's key), for a call of the test's own. */
export function callEvents(h: ApiHarness, call: { to: string; from?: string; callControlId?: string }) {
  const callControlId = call.callControlId ?? `v3:test-${randomUUID()}`;
  const from = call.from ?? '+12125550123';
  const workflowId = workflowIds.call(callControlId);

  function body(eventType: string, payload: Record<string, unknown>): string {
    return JSON.stringify({
      data: { event_type: eventType, id: randomUUID(), occurred_at: new Date().toISOString(), record_type: 'event', payload: { call_control_id: callControlId, ...payload } },
      meta: { attempt: 1, delivered_to: `${h.url}/webhooks/telnyx` },
    });
  }

  /** POSTs the event to the API's webhook route; Telnyx needs a 200. */
  async function deliver(eventType: string, payload: Record<string, unknown> = {}): Promise<number> {
    const raw = body(eventType, payload);
    const response = await fetch(`${h.url}/webhooks/telnyx`, { method: 'POST', headers: h.signAsCarrier(raw), body: raw });
    await response.body?.cancel();
    return response.status;
  }

  return {
    callControlId,
    workflowId,
    deliver,
    initiated: (overrides: Record<string, unknown> = {}) =>
      deliver('call.initiated', {
        call_leg_id: randomUUID(),
        call_session_id: randomUUID(),
        connection_id: 'sandbox-connection',
        from,
        to: call.to,
        direction: 'incoming',
        state: 'parked',
        start_time: new Date().toISOString(),
        ...overrides,
      }),
    answered: () => deliver('call.answered', { from, to: call.to, direction: 'incoming', state: 'answered' }),
    hangup: (source: 'caller' | 'callee' | 'unknown' = 'caller') =>
      deliver('call.hangup', { from, to: call.to, hangup_cause: 'normal_clearing', hangup_source: source }),
    /** The workflow's result: how the call ended. */
    result: () => h.temporal.workflow.getHandle(workflowId).result() as Promise<CallProgress>,
    progress: () => h.temporal.workflow.getHandle(workflowId).query<CallProgress>('callProgress'),
    row: () => h.db.selectFrom('calls').selectAll().where('call_control_id', '=', callControlId).executeTakeFirst(),
    /** The Call Control commands the carrier received for this call, in order (`answer`, `reject`, `hangup`). */
    commands: async () =>
      (await h.control.requests())
        .filter((request) => request.method === 'POST' && [callControlId, encodeURIComponent(callControlId)].some((id) => request.path.startsWith(`/v2/calls/${id}/actions/`)))
        .map((request) => request.path.split('/').at(-1)),
  };
}

/** A number of a fresh organization, provisioned through the API with these call settings. */
export async function provisionedNumber(h: ApiHarness, settings: Record<string, unknown>) {
  const organization = await h.newOrganization();
  const response = await organization.call('POST', '/api/v1/phone/numbers', { body: { agent_handle: 'agent', type: 'toll_free', ...settings } });
  expect(response.status).toBe(201);
  return { ...organization, phoneNumberId: response.body.id as string, number: response.body.number as string };
}

// The scenarios recording incoming-call-auto-accept/-hangup-requested are in test/integration/calls/actions.test.ts, incoming-call-webhook-ignore in calls/webhook-actions.test.ts (re-record: RECORD_HISTORIES=1 npm test -- test/integration/calls/actions.test.ts test/integration/calls/webhook-actions.test.ts).
/** With RECORD_HISTORIES=1, saves the call workflow's history for the replay test (as the workflow harness does). */
export async function recordCallHistory(client: Client, name: string, workflowId: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  mkdirSync(historiesDir, { recursive: true });
  writeFileSync(join(historiesDir, `${name}.json`), historyToJSON(history));
}
