import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiHarness } from '../../support/api-harness.js';
import { runInkboxScriptOnApi } from '../../support/inkbox-python-on-api.js';

/**
 * The official Inkbox Python SDK (`inkbox` 0.7.x, unmodified, in .tools/inkbox-venv) against the
 * whole stack: test/compat/inkbox_python_client.py runs the flow and prints what the SDK parsed.
 * When the venv cannot be made (no package index), this file fails: it never skips.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Summary = Record<string, any>;

let h: ApiHarness;
let organizationId: string;
let summary: Summary;

const e164 = /^\+1\d{10}$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  const run = await runInkboxScriptOnApi('inkbox_python_client.py', { handles: ['preexisting'], prefix: 'py' });
  ({ harness: h, report: summary } = run);
  organizationId = run.organization.organizationId;
}, 300_000);

afterAll(async () => {
  await h?.close();
});

describe('the official Inkbox Python SDK (inkbox 0.7.x)', () => {
  test('when the SDK is installed, then it is a 0.7.x release and every request it sent carried X-API-Key', () => {
    expect(summary.sdk_version).toMatch(/^0\.7\.\d+$/);
    expect(summary.requests.length).toBeGreaterThan(10);
    expect(summary.requests.every((request: Summary) => request.api_key_header)).toBe(true);
  });

  test('when it creates identities, then POST /api/v1/identities/ (trailing slash) answers and the @ is stripped', () => {
    expect(summary.identity_created).toEqual({ id: expect.stringMatching(uuid), agent_handle: 'py-local' });
    expect(summary.requests).toContainEqual(expect.objectContaining({ method: 'POST', path: '/api/v1/identities/', status: 201 }));
    expect(summary.identities_listed).toEqual(['preexisting', 'py-local', 'py-tollfree']);
  });

  test('when it creates a handle twice, then the SDK raises its typed HandleUnavailableError (409) with our sentence', () => {
    expect(summary.duplicate_identity_error).toMatchObject({
      class: 'HandleUnavailableError',
      status_code: 409,
      detail: expect.stringContaining('py-local'),
    });
  });

  // Known gap (not asserted): its `state` stays null, as the row keeps only the requested state.
  test('when it provisions with the SDK defaults (type "local", no state), then a local number becomes active', () => {
    expect(summary.default_provision).toMatchObject({
      type: 'local',
      status: 'active',
      number: expect.stringMatching(e164),
      agent_identity_id: summary.identity_created.id,
    });
  });

  test('when it provisions a local number with a state, then the number becomes active in that state, linked to the identity', () => {
    expect(summary.provision_response).toMatchObject({ type: 'local', state: 'NY', agent_identity_id: summary.identity_created.id });
    expect(['provisioning', 'active']).toContain(summary.provision_response.status);
    expect(summary.after_wait).toMatchObject({
      id: summary.provision_response.id,
      number: expect.stringMatching(e164),
      type: 'local',
      status: 'active',
      state: 'NY',
      country: 'US',
      incoming_call_action: 'auto_reject',
      client_websocket_url: null,
      incoming_call_webhook_url: null,
      agent_identity_id: summary.identity_created.id,
    });
    expect(summary.requests).toContainEqual(expect.objectContaining({ method: 'POST', path: '/api/v1/phone/numbers' }));
  });

  test('when it reads the identity, then the nested phone number is the active one', () => {
    expect(summary.identity_detail_number).toMatchObject({
      id: summary.after_wait.id,
      number: summary.after_wait.number,
      status: 'active',
      type: 'local',
    });
  });

  test('when it provisions through AgentIdentity.provision_phone_number(type="toll_free"), then a toll-free number becomes active', () => {
    expect(summary.identity_provisioned).toMatchObject({ id: expect.stringMatching(uuid), type: 'toll_free' });
    expect(summary.identity_provisioned_after_wait).toMatchObject({ type: 'toll_free', status: 'active', number: expect.stringMatching(e164) });
  });

  test('when it lists and gets, then both numbers are listed newest first and get returns the same object', () => {
    expect(summary.listed.map((n: Summary) => n.id)).toEqual([summary.identity_provisioned.id, summary.after_wait.id]);
    expect(summary.got).toEqual(summary.listed[1]);
  });

  test('when it updates call handling, then the settings change as sent and null clears a URL', () => {
    expect(summary.updated_webhook).toMatchObject({
      incoming_call_action: 'webhook',
      incoming_call_webhook_url: 'https://hooks.example.com/calls',
      status: 'active',
    });
    expect(summary.updated_auto_accept).toMatchObject({
      incoming_call_action: 'auto_accept',
      client_websocket_url: 'wss://media.example.com/agent',
      incoming_call_webhook_url: null,
    });
  });

  test('when an update breaks the call-handling rules, then the SDK raises a 422 carrying the detail list', () => {
    expect(summary.invalid_update_error).toMatchObject({
      status_code: 422,
      detail: [expect.objectContaining({ loc: expect.arrayContaining(['body']), msg: expect.any(String) })],
    });
  });

  test('when it provisions for an unknown handle, then the SDK raises a 404 whose message carries our detail sentence', () => {
    expect(summary.unknown_handle_error).toMatchObject({ class: 'InkboxAPIError', status_code: 404, detail: expect.any(String) });
    expect(summary.unknown_handle_error.detail.length).toBeGreaterThan(10);
    expect(summary.unknown_handle_error.message).toContain(summary.unknown_handle_error.detail);
    expect(summary.unknown_number_error).toMatchObject({ status_code: 404, detail: expect.any(String) });
  });

  test('when it releases by id, then the number reads back released, unlinked and unlisted', () => {
    expect(summary.after_release).toMatchObject({ id: summary.after_wait.id, status: 'released', agent_identity_id: null });
    expect(summary.listed_after_release).toEqual([summary.identity_provisioned.id]);
    expect(summary.requests).toContainEqual({
      method: 'DELETE',
      path: `/api/v1/phone/numbers/${summary.after_wait.id}`,
      status: 204,
      api_key_header: true,
    });
  });

  test('when it releases through AgentIdentity.release_phone_number(), then DELETE /identities/{handle}/phone_number releases it', () => {
    expect(summary.requests).toContainEqual(
      expect.objectContaining({ method: 'DELETE', path: '/api/v1/identities/py-tollfree/phone_number', status: 204 }),
    );
    expect(summary.identity_release_after).toMatchObject({ id: summary.identity_provisioned.id, status: 'released' });
    expect(summary.identity_detail_after_release).toBeNull();
  });

  test('when it deletes an identity, then it is gone from the list and nothing of the organization stays live', async () => {
    expect(summary.identities_after_delete).toEqual(['preexisting', 'py-local']);
    const live = await h.db
      .selectFrom('phone_numbers')
      .select('status')
      .where('organization_id', '=', organizationId)
      .where('status', 'in', ['provisioning', 'active', 'paused'])
      .execute();
    expect(live).toEqual([]);
  });
});
