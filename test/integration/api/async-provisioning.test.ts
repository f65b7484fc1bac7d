import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { workflowIds } from '../../../domain/workflow-contract.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { waitFor } from '../../support/workflow-harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ config: { PROVISION_WAIT_MS: '300' } });
});
afterAll(async () => {
  await h?.close();
});

describe('the 202 path', () => {
  test('when the order outlasts the wait budget, then 202 with Location, and polling GET reaches active', async () => {
    const org = await h.newOrganization();
    await h.control.configure({ order_completion: { mode: 'delayed', delay_ms: 2500 } });
    try {
      const accepted = await org.call('POST', '/api/v1/phone/numbers', {
        body: { agent_handle: 'agent', incoming_call_action: 'webhook', incoming_call_webhook_url: 'https://agent.example.com/hook' },
      });

      expect(accepted.status).toBe(202);
      expect(accepted.headers.get('location')).toBe(`/api/v1/phone/numbers/${accepted.body.id}`);
      expect(accepted.body).toMatchObject({
        status: 'provisioning',
        incoming_call_action: 'webhook',
        provisioning: { step: expect.any(String), workflow_id: expect.stringMatching(`^provision/${org.organizationId}/`) },
      });
      const active = await waitFor(async () => {
        const read = await org.call('GET', accepted.headers.get('location')!);
        return read.body.status === 'active' ? read.body : undefined;
      }, 'the number to become active');
      expect(active).toMatchObject({ id: accepted.body.id, number: expect.stringMatching(/^\+1\d{10}$/), incoming_call_action: 'webhook' });
      expect(active.provisioning).toBeUndefined();
    } finally {
      await h.control.configure({ order_completion: { mode: 'instant' } });
    }
  });

  test('when Prefer: respond-async is sent, then 202 at once even though the carrier is instant', async () => {
    const org = await h.newOrganization();

    const accepted = await org.call('POST', '/numbers', { body: { agent_handle: 'agent' }, headers: { prefer: 'respond-async, wait=10' } });

    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/api/v1/phone/numbers/${accepted.body.id}`);
    await waitFor(async () => (await org.call('GET', `/numbers/${accepted.body.id}`)).body.status === 'active', 'activation');
  });

  test('when a keyed retry arrives while the first request still runs, then it joins it and ends with the same number', async () => {
    const org = await h.newOrganization();
    await h.control.configure({ order_completion: { mode: 'delayed', delay_ms: 2000 } });
    try {
      const request = { body: { agent_handle: 'agent' }, headers: { 'idempotency-key': 'slow-order' } };
      const first = await org.call('POST', '/numbers', request);
      const whileRunning = await org.call('POST', '/numbers', request);
      expect([first.status, whileRunning.status]).toEqual([202, 202]);
      expect(whileRunning.body.id).toBe(first.body.id);

      const done = await waitFor(async () => {
        const retry = await org.call('POST', '/numbers', request);
        return retry.status === 201 ? retry : undefined;
      }, 'a retry answered 201');

      expect(done.body).toMatchObject({ id: first.body.id, status: 'active' });
      const orders = (await h.control.orders()).filter((order) => order.customer_reference?.startsWith(workflowIds.provisionsOf(org.organizationId)));
      expect(orders).toHaveLength(1);
    } finally {
      await h.control.configure({ order_completion: { mode: 'instant' } });
    }
  });

  test('when a provisioning failure comes after the 202, then polling shows failed with the step and error', async () => {
    const org = await h.newOrganization();
    await h.control.configure({ order_completion: { mode: 'fail' } });
    try {
      const accepted = await org.call('POST', '/numbers', { body: { agent_handle: 'agent' }, headers: { prefer: 'respond-async' } });
      expect(accepted.status).toBe(202);

      const failed = await waitFor(async () => {
        const read = await org.call('GET', `/numbers/${accepted.body.id}`);
        return read.body.status === 'failed' ? read.body : undefined;
      }, 'the number to fail');

      expect(failed.provisioning).toMatchObject({ step: 'failed', workflow_id: accepted.body.provisioning.workflow_id, error: expect.any(String) });
    } finally {
      await h.control.configure({ order_completion: { mode: 'instant' } });
    }
  });
});
