import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  await h?.close();
});

const isoZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('identities', () => {
  test('when an identity is created with a leading @, then 201 with the Inkbox summary and the @ stripped', async () => {
    const org = await h.newOrganization();

    const response = await org.call('POST', '/api/v1/identities', { body: { agent_handle: '@support.bot_2' } });

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      organization_id: org.organizationId,
      agent_handle: 'support.bot_2',
      status: 'active',
      email_address: null,
      created_at: expect.stringMatching(isoZ),
      updated_at: expect.stringMatching(isoZ),
    });
  });

  test('when the handle is taken in the organization, then 409 identity_exists; another organization may use it', async () => {
    const org = await h.newOrganization(['taken']);
    const other = await h.newOrganization(['someone']);

    const again = await org.call('POST', '/identities', { body: { agent_handle: '@taken' } });
    const elsewhere = await other.call('POST', '/identities', { body: { agent_handle: 'taken' } });

    expect([again.status, again.body.error]).toEqual([409, 'identity_exists']);
    expect(elsewhere.status).toBe(201);
  });

  test.each([
    ['empty', ''],
    ['too long', 'a'.repeat(65)],
    ['with a space', 'sales agent'],
    ['with a slash', 'sales/agent'],
    ['with two @', '@@agent'],
    ['not a string', 7],
  ])('when the handle is %s, then 422 validation_error on agent_handle', async (_name, handle) => {
    const org = await h.newOrganization();
    const response = await org.call('POST', '/identities', { body: { agent_handle: handle } });
    expect([response.status, response.body.error, response.body.detail[0].loc]).toEqual([422, 'validation_error', ['body', 'agent_handle']]);
  });

  test('when an identity body has an unknown field, then 422', async () => {
    const org = await h.newOrganization();
    const response = await org.call('POST', '/identities', { body: { agent_handle: 'x', display_name: 'X' } });
    expect([response.status, response.body.detail[0].loc]).toEqual([422, ['body', 'display_name']]);
  });

  test('when identities are listed, then only this organization’s, as summaries', async () => {
    const org = await h.newOrganization(['one', 'two']);
    await h.newOrganization(['not-mine']);

    const response = await org.call('GET', '/identities');

    expect(response.status).toBe(200);
    expect(response.body.map((identity: { agent_handle: string }) => identity.agent_handle).sort()).toEqual(['one', 'two']);
    expect(Object.keys(response.body[0]).sort()).toEqual(['agent_handle', 'created_at', 'email_address', 'id', 'organization_id', 'status', 'updated_at']);
  });

  test('when an identity with a number is read, then the detail nests its phone number and a null mailbox', async () => {
    const org = await h.newOrganization(['with-number', 'without']);
    const number = (await org.call('POST', '/numbers', { body: { agent_handle: 'with-number' } })).body;

    const withNumber = await org.call('GET', '/api/v1/identities/with-number');
    const without = await org.call('GET', '/identities/@without');
    const missing = await org.call('GET', '/identities/nobody');

    expect(withNumber.body).toMatchObject({ agent_handle: 'with-number', mailbox: null });
    expect(withNumber.body.phone_number).toEqual({
      id: number.id,
      number: number.number,
      type: 'toll_free',
      status: 'active',
      incoming_call_action: 'auto_reject',
      client_websocket_url: null,
      created_at: number.created_at,
      updated_at: number.updated_at,
    });
    expect(without.body).toMatchObject({ phone_number: null, mailbox: null });
    expect([missing.status, missing.body.error]).toEqual([404, 'not_found']);
  });

  test('when an identity with a number is deleted, then its number is released and the identity is gone', async () => {
    const org = await h.newOrganization(['leaving']);
    const number = (await org.call('POST', '/numbers', { body: { agent_handle: 'leaving' } })).body;

    const response = await org.call('DELETE', '/identities/leaving');

    expect(response.status).toBe(204);
    expect((await org.call('GET', '/identities/leaving')).status).toBe(404);
    expect((await org.call('GET', `/numbers/${number.id}`)).body).toMatchObject({ status: 'released', agent_identity_id: null });
    expect((await org.call('DELETE', '/identities/leaving')).status).toBe(404);
  });

  test('when DELETE /identities/{handle}/phone_number is called (Inkbox SDK release_phone_number), then its number is released and the identity stays', async () => {
    const org = await h.newOrganization(['keeper']);
    const number = (await org.call('POST', '/numbers', { body: { agent_handle: 'keeper' } })).body;

    const response = await org.call('DELETE', '/api/v1/identities/@keeper/phone_number');
    const again = await org.call('DELETE', '/identities/keeper/phone_number');

    expect(response.status).toBe(204);
    expect((await org.call('GET', `/numbers/${number.id}`)).body).toMatchObject({ status: 'released', agent_identity_id: null });
    expect((await org.call('GET', '/identities/keeper')).body).toMatchObject({ agent_handle: 'keeper', phone_number: null });
    expect([again.status, again.body.error]).toEqual([404, 'not_found']);
    expect(again.body.detail).toContain('has no phone number');
  });

  test('when DELETE /identities/{handle}/phone_number names another organization’s or no identity, then 404 and nothing is released', async () => {
    const owner = await h.newOrganization(['theirs']);
    const number = (await owner.call('POST', '/numbers', { body: { agent_handle: 'theirs' } })).body;
    const stranger = await h.newOrganization(['mine']);

    const foreign = await stranger.call('DELETE', '/identities/theirs/phone_number');
    const unknown = await stranger.call('DELETE', '/identities/nobody/phone_number');

    expect([foreign.status, foreign.body.error]).toEqual([404, 'not_found']);
    expect([unknown.status, unknown.body.error]).toEqual([404, 'not_found']);
    expect((await owner.call('GET', `/numbers/${number.id}`)).body).toMatchObject({ status: 'active' });
  });
});
