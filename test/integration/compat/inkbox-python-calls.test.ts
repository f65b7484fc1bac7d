import { randomBytes, randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readSigningKey } from '../../../db/repositories/signing-keys.js';
import type { CallRow, NewCall } from '../../../db/schema.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { insertCall, insertNumberForCalls } from '../../support/call-rows.js';
import { runCommand } from '../../support/run-cli.js';

/**
 * Signing keys and the calls resource through the official Inkbox Python SDK (`inkbox` 0.7.x,
 * unmodified): test/compat/inkbox_python_calls.py runs the flow against call rows inserted here, and
 * prints what the SDK parsed. The live call's workflow is a stand-in started on a queue no worker
 * polls, so the test sees the hangup signal itself; the real call workflow's hangup is the workflow
 * tests' concern. When the venv cannot be made, this file fails: it never skips.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Summary = Record<string, any>;

const encryptionKey = randomBytes(32).toString('base64');
let h: ApiHarness;
let identityId: string;
let summary: Summary;
let calls: { live: CallRow; ended: CallRow; ringing: CallRow };
let liveWorkflow: WorkflowHandle;

beforeAll(async () => {
  const setup = await runCommand('bash', ['test/compat/setup-python-sdk.sh']);
  if (setup.exitCode !== 0) {
    throw new Error(`could not install the Inkbox Python SDK (test/compat/setup-python-sdk.sh exit ${setup.exitCode}):\n${setup.stderr}`);
  }
  const python = setup.stdout.trim().split('\n').at(-1) as string;

  h = await startApiHarness({ worker: false, config: { SIGNING_KEY_ENCRYPTION_KEY: encryptionKey } });
  const org = await h.newOrganization(['py-calls']);
  identityId = org.identityId;
  const phoneNumberId = await insertNumberForCalls(h.db, org.organizationId);
  const call = (fields: Partial<NewCall>) =>
    insertCall(h.db, { organizationId: org.organizationId, phoneNumberId, agent_identity_id: identityId, ...fields });
  calls = {
    ended: await call({
      created_at: '2026-04-01T09:00:00Z',
      status: 'completed',
      hangup_reason: 'remote',
      client_websocket_url: 'wss://agent.example.com/calls',
      started_at: new Date('2026-04-01T09:00:02Z'),
      ended_at: new Date('2026-04-01T09:05:00Z'),
    }),
    ringing: await call({ created_at: '2026-04-01T10:00:00Z', status: 'ringing' }),
    live: await call({ created_at: '2026-04-01T11:00:00Z', status: 'answered', started_at: new Date('2026-04-01T11:00:01Z') }),
  };
  liveWorkflow = await h.temporal.workflow.start('handleIncomingCall', {
    workflowId: calls.live.workflow_id,
    taskQueue: `compat-calls-${randomUUID()}`,
    args: [],
  });

  const ids = JSON.stringify({ live: calls.live.id, ended: calls.ended.id, unknown: randomUUID() });
  const run = await runCommand(python, ['test/compat/inkbox_python_calls.py', h.url, org.apiKey, 'py-calls', ids]);
  try {
    summary = JSON.parse(run.stdout) as Summary;
  } catch {
    throw new Error(`the SDK script printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
  if (run.exitCode !== 0 || summary.crash) {
    throw new Error(`the SDK flow crashed: ${summary.crash}\n${summary.traceback}\nso far: ${JSON.stringify(summary, null, 1)}`);
  }
}, 300_000);

afterAll(async () => {
  await liveWorkflow?.terminate('test over').catch(() => undefined);
  await h?.close();
});

const isoOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/;

describe('signing keys through the Inkbox Python SDK', () => {
  test('when it creates a key with signing_keys.create_or_rotate(handle), then it gets a whsec_ key that the server keeps encrypted', async () => {
    expect(summary.status_before).toEqual({ configured: false, created_at: null });
    expect(summary.created).toEqual({ signing_key: expect.stringMatching(/^whsec_[0-9a-f]{64}$/), created_at: expect.stringMatching(isoOffset) });
    expect(summary.status_after_create).toEqual({ configured: true, created_at: summary.created.created_at });
  });

  test('when it rotates through identity.create_signing_key(), then the new key replaces the old one', async () => {
    expect(summary.rotated.signing_key).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(summary.rotated.signing_key).not.toBe(summary.created.signing_key);
    expect(summary.status_after_rotate).toEqual({ configured: true, created_at: summary.rotated.created_at });
    expect(await readSigningKey(h.db, identityId, encryptionKey)).toBe(summary.rotated.signing_key);
  });

  test('when it asks about an unknown handle, then the SDK raises a 404 with our sentence', () => {
    expect(summary.unknown_handle_error).toEqual({ class: 'InkboxAPIError', status_code: 404, detail: 'Identity not found' });
  });
});

describe('the calls resource through the Inkbox Python SDK', () => {
  test('when it lists calls, then it parses every call, newest first, with the fields of its PhoneCall', () => {
    expect(summary.listed.map((call: Summary) => call.id)).toEqual([calls.live.id, calls.ringing.id, calls.ended.id]);
    expect(summary.listed[2]).toEqual({
      id: calls.ended.id,
      local_phone_number: '+18005550100',
      remote_phone_number: '+12125550123',
      direction: 'inbound',
      status: 'completed',
      client_websocket_url: 'wss://agent.example.com/calls',
      use_inkbox_tts: null,
      use_inkbox_stt: null,
      hangup_reason: 'remote',
      started_at: '2026-04-01T09:00:02+00:00',
      ended_at: '2026-04-01T09:05:00+00:00',
      created_at: '2026-04-01T09:00:00+00:00',
      updated_at: expect.stringMatching(isoOffset),
      is_blocked: false,
      origin: 'dedicated_number',
      mode: 'client_websocket',
    });
    expect(summary.page).toEqual([calls.ringing.id]);
  });

  test('when it gets a call, then it is the listed one; an unknown id raises 404', () => {
    expect(summary.got_ended).toEqual(summary.listed[2]);
    expect(summary.unknown_call_error).toMatchObject({ status_code: 404, detail: 'Call not found' });
  });

  test('when it lists with limit=500, then the SDK raises the 422 with the detail list', () => {
    expect(summary.bad_limit_error).toMatchObject({
      status_code: 422,
      detail: [expect.objectContaining({ loc: ['query', 'limit'], msg: expect.any(String) })],
    });
  });

  test('when it hangs up an ended call, then the SDK raises the 409 verbatim', () => {
    expect(summary.hangup_ended_error).toEqual({ class: 'InkboxAPIError', status_code: 409, detail: 'This call has already ended' });
  });

  test('when it hangs up a live call, then it gets the call back and the call workflow got hangupRequested', async () => {
    expect(summary.hangup_live).toMatchObject({ id: calls.live.id, status: 'answered', started_at: '2026-04-01T11:00:01+00:00' });
    const history = await liveWorkflow.fetchHistory();
    const signals = (history.events ?? []).flatMap((event) => event.workflowExecutionSignaledEventAttributes?.signalName ?? []);
    expect(signals).toEqual(['hangupRequested']);
  });
});
