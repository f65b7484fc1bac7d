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

const isoZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const phoneNumberFields = [
  'agent_identity_id', 'client_websocket_url', 'country', 'created_at', 'id', 'incoming_call_action',
  'incoming_call_webhook_url', 'number', 'state', 'status', 'type', 'updated_at',
].sort();

describe('provisioning', () => {
  test('when an identity gets a number with call settings, then 201 with an active number showing them', async () => {
    const org = await h.newOrganization(['sales-agent']);

    const response = await org.call('POST', '/api/v1/phone/numbers', {
      body: { agent_handle: '@sales-agent', incoming_call_action: 'auto_accept', client_websocket_url: 'wss://agent.example.com/calls' },
    });

    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(phoneNumberFields);
    expect(response.body).toMatchObject({
      type: 'toll_free',
      status: 'active',
      number: expect.stringMatching(/^\+1\d{10}$/),
      incoming_call_action: 'auto_accept',
      client_websocket_url: 'wss://agent.example.com/calls',
      incoming_call_webhook_url: null,
      agent_identity_id: org.identityId,
      state: null,
      country: 'US',
    });
    expect(response.body.created_at).toMatch(isoZ);
    expect(response.body.updated_at).toMatch(isoZ);
    const owned = await h.control.ownedNumbers();
    expect(owned.map((number) => number.phone_number)).toContain(response.body.number);
  });

  test('when a local number is asked for with a lower-case state, then it is a number of that state', async () => {
    const org = await h.newOrganization();
    const response = await org.call('POST', '/numbers', { body: { agent_handle: 'agent', type: 'local', state: 'ny' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ type: 'local', state: 'NY', status: 'active' });
  });

  test('when the handle names no identity of the organization, then 404 identity_not_found and no carrier request', async () => {
    const org = await h.newOrganization();
    const before = await h.footprint(org.organizationId);

    const response = await org.call('POST', '/numbers', { body: { agent_handle: 'nobody' }, headers: { 'idempotency-key': 'ghost' } });

    expect([response.status, response.body.error]).toEqual([404, 'identity_not_found']);
    expect(await h.footprint(org.organizationId)).toEqual(before);
  });

  test('when the identity already has a number, then 409 identity_has_number', async () => {
    const org = await h.newOrganization();
    expect((await org.call('POST', '/numbers', { body: { agent_handle: 'agent' } })).status).toBe(201);

    const second = await org.call('POST', '/numbers', { body: { agent_handle: 'agent' } });

    expect([second.status, second.body.error]).toEqual([409, 'identity_has_number']);
  });

  test('when the organization holds its limit, then 429 phone_number_limit_reached with the documented sentence', async () => {
    const org = await h.newOrganization(['a1', 'a2', 'a3', 'a4']);
    for (const handle of ['a1', 'a2', 'a3']) expect((await org.call('POST', '/numbers', { body: { agent_handle: handle } })).status).toBe(201);

    const fourth = await org.call('POST', '/numbers', { body: { agent_handle: 'a4' } });

    expect(fourth.status).toBe(429);
    expect(fourth.body).toMatchObject({
      error: 'phone_number_limit_reached',
      detail: 'Organization already has 3 active phone numbers. Release an existing number before provisioning a new one',
    });
  });

  test('when the carrier has nothing matching, then 404 no_numbers_available', async () => {
    const org = await h.newOrganization();
    await h.control.configure({ inventory: { local: { NY: 0 } } });
    try {
      const response = await org.call('POST', '/numbers', { body: { agent_handle: 'agent', type: 'local', state: 'NY' } });
      expect([response.status, response.body.error]).toEqual([404, 'no_numbers_available']);
    } finally {
      await h.control.configure({ inventory: h.inventory });
    }
  });

  test('when the carrier fails the order, then 502 carrier_provisioning_failed with the workflow id and nothing kept', async () => {
    const org = await h.newOrganization();
    await h.control.configure({ order_completion: { mode: 'fail' } });
    try {
      const response = await org.call('POST', '/numbers', { body: { agent_handle: 'agent' } });

      expect([response.status, response.body.error]).toEqual([502, 'carrier_provisioning_failed']);
      expect(response.body.workflow_id).toMatch(new RegExp(`^provision/${org.organizationId}/`));
      const failed = await org.call('GET', '/numbers?status=failed');
      expect(failed.body).toHaveLength(1);
      expect(failed.body[0].provisioning).toMatchObject({ step: 'failed', workflow_id: response.body.workflow_id, error: expect.any(String) });
    } finally {
      await h.control.configure({ order_completion: { mode: 'instant' } });
    }
  });
});

describe('reading, updating and releasing', () => {
  test('when numbers are listed, then newest first without released or failed unless asked by status', async () => {
    const org = await h.newOrganization(['first', 'second']);
    const first = (await org.call('POST', '/numbers', { body: { agent_handle: 'first' } })).body;
    const second = (await org.call('POST', '/numbers', { body: { agent_handle: 'second' } })).body;
    expect((await org.call('DELETE', `/numbers/${first.id}`)).status).toBe(204);

    const defaults = await org.call('GET', '/api/v1/phone/numbers');
    const released = await org.call('GET', '/numbers?status=released');
    const both = await org.call('GET', '/numbers?status=active,released');
    const bad = await org.call('GET', '/numbers?status=active,gone');

    expect(defaults.body.map((n: { id: string }) => n.id)).toEqual([second.id]);
    expect(released.body.map((n: { id: string }) => n.id)).toEqual([first.id]);
    expect(both.body.map((n: { id: string }) => n.id)).toEqual([second.id, first.id]);
    expect([bad.status, bad.body.error, bad.body.detail[0].loc]).toEqual([422, 'validation_error', ['query', 'status']]);
  });

  test('when a number is patched, then fields merge, null clears a URL, and the merged rules are checked', async () => {
    const org = await h.newOrganization();
    const number = (await org.call('POST', '/numbers', { body: { agent_handle: 'agent' } })).body;

    const webhook = await org.call('PATCH', `/numbers/${number.id}`, {
      body: { incoming_call_action: 'webhook', incoming_call_webhook_url: 'https://agent.example.com/hook' },
    });
    const socket = await org.call('PATCH', `/numbers/${number.id}`, { body: { client_websocket_url: 'wss://agent.example.com/ws' } });
    const clearingNeeded = await org.call('PATCH', `/numbers/${number.id}`, { body: { incoming_call_webhook_url: null } });
    const unchanged = await org.call('PATCH', `/numbers/${number.id}`, { body: {} });
    const switched = await org.call('PATCH', `/numbers/${number.id}/`, {
      body: { incoming_call_action: 'auto_accept', incoming_call_webhook_url: null },
    });

    expect(webhook.body).toMatchObject({ incoming_call_action: 'webhook', incoming_call_webhook_url: 'https://agent.example.com/hook' });
    expect(socket.body).toMatchObject({ incoming_call_action: 'webhook', client_websocket_url: 'wss://agent.example.com/ws' });
    expect([clearingNeeded.status, clearingNeeded.body.detail[0].loc]).toEqual([422, ['body', 'incoming_call_webhook_url']]);
    expect([unchanged.status, unchanged.body]).toEqual([200, socket.body]);
    expect(switched.body).toMatchObject({
      incoming_call_action: 'auto_accept',
      client_websocket_url: 'wss://agent.example.com/ws',
      incoming_call_webhook_url: null,
    });
  });

  test('when a number is released, then 204, it reads released and unlinked, the carrier releases it, and again is 204', async () => {
    const org = await h.newOrganization();
    const number = (await org.call('POST', '/numbers', { body: { agent_handle: 'agent' } })).body;

    const first = await org.call('DELETE', `/api/v1/phone/numbers/${number.id}`);
    const read = await org.call('GET', `/numbers/${number.id}`);
    const again = await org.call('DELETE', `/numbers/${number.id}`);
    const patch = await org.call('PATCH', `/numbers/${number.id}`, { body: { incoming_call_action: 'auto_reject' } });

    expect([first.status, again.status]).toEqual([204, 204]);
    expect(read.body).toMatchObject({ status: 'released', agent_identity_id: null });
    expect([patch.status, patch.body.error]).toEqual([409, 'number_released']);
    await waitFor(
      async () => !(await h.control.ownedNumbers()).some((owned) => owned.phone_number === number.number),
      'the carrier release',
    );
  });

  test('when a number still provisioning is released, then 204 and nothing stays bought', async () => {
    const org = await h.newOrganization();
    await h.control.configure({ order_completion: { mode: 'delayed', delay_ms: 3000 }, webhook_url: null });
    try {
      const pending = await org.call('POST', '/numbers', { body: { agent_handle: 'agent' }, headers: { prefer: 'respond-async' } });
      expect(pending.status).toBe(202);
      const ordered = await waitFor(async () => {
        const read = await org.call('GET', `/numbers/${pending.body.id}`);
        return read.body.provisioning?.step === 'awaiting_completion' ? read.body : undefined;
      }, 'the order to be placed');

      const released = await org.call('DELETE', `/numbers/${pending.body.id}`);

      expect(released.status).toBe(204);
      const after = (await org.call('GET', `/numbers/${pending.body.id}`)).body;
      expect(['released', 'failed']).toContain(after.status);
      await waitFor(
        async () => !(await h.control.ownedNumbers()).some((owned) => owned.phone_number === ordered.number),
        'the bought number to be released',
      );
    } finally {
      await h.control.configure({ order_completion: { mode: 'instant' }, webhook_url: `${h.url}/webhooks/telnyx` });
    }
  });
});

describe('tenancy', () => {
  test('when another organization touches a number, then every number endpoint answers 403 forbidden', async () => {
    const owner = await h.newOrganization();
    const stranger = await h.newOrganization();
    const number = (await owner.call('POST', '/numbers', { body: { agent_handle: 'agent' } })).body;

    const answers = await Promise.all([
      stranger.call('GET', `/numbers/${number.id}`),
      stranger.call('GET', `/api/v1/phone/numbers/${number.id}`),
      stranger.call('PATCH', `/numbers/${number.id}`, { body: { incoming_call_action: 'auto_reject' } }),
      stranger.call('DELETE', `/numbers/${number.id}`),
    ]);

    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ detail: 'Number does not belong to your organization', error: 'forbidden' });
    }
    expect((await stranger.call('GET', '/numbers')).body).toEqual([]);
    expect((await owner.call('GET', `/numbers/${number.id}`)).body.status).toBe('active');
  });

  test('when two organizations read at the same time (reads of one moment share a statement), then each sees only its own', async () => {
    const owner = await h.newOrganization();
    const stranger = await h.newOrganization();
    const number = (await owner.call('POST', '/numbers', { body: { agent_handle: 'agent' } })).body;
    const theirs = (await stranger.call('POST', '/numbers', { body: { agent_handle: 'agent' } })).body;

    const rounds = await Promise.all(
      Array.from({ length: 8 }, () =>
        Promise.all([
          owner.call('GET', `/numbers/${number.id}`),
          stranger.call('GET', `/numbers/${number.id}`),
          owner.call('GET', '/numbers'),
          stranger.call('GET', '/numbers'),
        ]),
      ),
    );

    for (const [ownRead, strangerRead, ownList, strangerList] of rounds) {
      expect([ownRead!.status, ownRead!.body.id]).toEqual([200, number.id]);
      expect([strangerRead!.status, strangerRead!.body.error]).toEqual([403, 'forbidden']);
      expect(ownList!.body.map((each: { id: string }) => each.id)).toEqual([number.id]);
      expect(strangerList!.body.map((each: { id: string }) => each.id)).toEqual([theirs.id]);
    }
  });

  test("when another organization names this organization's identity, then it is not found there and nothing is ordered", async () => {
    const owner = await h.newOrganization(['private-agent']);
    const stranger = await h.newOrganization(['someone-else']);

    const provision = await stranger.call('POST', '/numbers', { body: { agent_handle: 'private-agent' } });
    const read = await stranger.call('GET', '/identities/private-agent');
    const remove = await stranger.call('DELETE', '/identities/private-agent');

    expect([provision.status, provision.body.error]).toEqual([404, 'identity_not_found']);
    expect([read.status, remove.status]).toEqual([404, 404]);
    expect((await owner.call('GET', '/identities/private-agent')).status).toBe(200);
  });
});
