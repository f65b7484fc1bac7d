import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { searchAttributes } from '../../../domain/search-attributes.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { callEvents, provisionedNumber } from './incoming-call-events.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ config: { ORG_NUMBER_LIMIT: '20', ALLOW_PRIVATE_CALLBACK_URLS: 'true' } });
});
afterAll(async () => {
  await h?.close();
});

/** Every execution the namespace holds under the call's workflow id (closed runs too). */
async function executionsOf(workflowId: string) {
  const runs = [];
  for await (const execution of h.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(execution);
  return runs;
}

describe('the Telnyx webhook route for calls', () => {
  test('when a number nobody owns is called, then the call is rejected and no call row is written', async () => {
    const call = callEvents(h, { to: '+18885550199' });

    expect(await call.initiated()).toBe(200);
    const outcome = await call.result();

    expect(outcome).toMatchObject({ callId: null, decisionReason: 'number_unknown' });
    expect(await call.commands()).toEqual(['reject']);
    expect(await call.row()).toBeUndefined();
  });

  test('when call.initiated is delivered twice at once and again after the call ended, then one workflow and one row', async () => {
    const { number } = await provisionedNumber(h, { incoming_call_action: 'auto_reject' });
    const call = callEvents(h, { to: number });

    const statuses = await Promise.all([call.initiated(), call.initiated()]);
    await call.result();
    const late = await call.initiated();

    expect([...statuses, late]).toEqual([200, 200, 200]);
    expect(await executionsOf(call.workflowId)).toHaveLength(1);
    expect(await h.db.selectFrom('calls').select('id').where('call_control_id', '=', call.callControlId).execute()).toHaveLength(1);
    expect((await call.commands()).filter((command) => command === 'reject')).toHaveLength(1);
  });

  test('when a call comes in, then its workflow carries the organization, handle and number for the Web UI', async () => {
    const { organizationId, number } = await provisionedNumber(h, { incoming_call_action: 'auto_reject' });
    const call = callEvents(h, { to: number });

    await call.initiated();
    await call.result();
    const described = await h.temporal.workflow.getHandle(call.workflowId).describe();

    expect(described.typedSearchAttributes.get(searchAttributes.organizationId)).toBe(organizationId);
    expect(described.typedSearchAttributes.get(searchAttributes.agentHandle)).toBe('agent');
    expect(described.typedSearchAttributes.get(searchAttributes.phoneNumber)).toBe(number);
    const found = [];
    for await (const execution of h.temporal.workflow.list({ query: `OrganizationId = '${organizationId}' AND PhoneNumber = '${number}'` })) found.push(execution.workflowId);
    expect(found).toContain(call.workflowId);
  });

  test('when a signed call event lacks what the workflow needs, is outbound, or names no running call, then 200 and nothing starts', async () => {
    const call = callEvents(h, { to: '+18885550198', callControlId: `test-${randomUUID()}` });

    const answers = [
      await call.deliver('call.initiated', { to: 42, from: '+12125550123', direction: 'incoming' }),
      await call.deliver('call.initiated', { from: '+12125550123', direction: 'incoming' }),
      await call.deliver('call.initiated', { call_control_id: { nested: true }, to: '+18885550198', direction: 'incoming' }),
      await call.deliver('call.initiated', { call_control_id: 'x'.repeat(300), to: '+18885550198', direction: 'incoming' }),
      await call.initiated({ direction: 'outgoing' }),
      await call.answered(),
      await call.deliver('streaming.failed', { failure_reason: 'connection refused' }),
      await call.hangup(),
      await call.deliver('call.speak.ended', {}),
    ];

    expect(answers).toEqual(Array(answers.length).fill(200));
    await expect(h.temporal.workflow.getHandle(call.workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  test('when side fields of a call event have odd shapes (no caller id, a bad start_time), then the call is still handled', async () => {
    const call = callEvents(h, { to: '+18885550197' });

    const status = await call.initiated({ from: null, start_time: 'yesterday', call_leg_id: 7 });
    const outcome = await call.result();

    expect(status).toBe(200);
    expect(outcome).toMatchObject({ callId: null, decisionReason: 'number_unknown' });
    expect(await call.commands()).toEqual(['reject']);
  });
});
