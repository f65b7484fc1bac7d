import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CallRow } from '../../../db/schema.js';
import { startCallStack, type CallStack } from '../../support/call-stack.js';
import { startMediaStreamServer, type MediaStreamServer } from '../../support/media-stream-server.js';
import { runCommand } from '../../support/run-cli.js';
import { waitFor } from '../../support/workflow-harness.js';

/**
 * The calls resource driven by the official, unmodified Inkbox Python SDK (test/compat/inkbox_calls_client.py)
 * over calls the whole stack took: three rejected calls and one live, answered call of one organization,
 * and a call of another organization that must not show.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Summary = Record<string, any>;

let stack: CallStack;
let media: MediaStreamServer;
let summary: Summary;
let rejected: CallRow[];
let live: CallRow;
let liveCallControlId: string;
let foreign: CallRow;
let streamUrl: string;
let localNumbers: { agent: string; desk: string };

beforeAll(async () => {
  const setup = await runCommand('bash', ['test/compat/setup-python-sdk.sh']);
  if (setup.exitCode !== 0) throw new Error(`could not install the Inkbox Python SDK (exit ${setup.exitCode}):\n${setup.stderr}`);
  const python = setup.stdout.trim().split('\n').at(-1)!;
  media = await startMediaStreamServer();
  stack = await startCallStack();
  await stack.startWorker();

  streamUrl = `${media.url}/python-sdk`;
  const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: streamUrl }, ['agent', 'desk']);
  const [agent, desk] = org.numbers as [(typeof org.numbers)[0], (typeof org.numbers)[0]];
  localNumbers = { agent: agent.number, desk: desk.number };
  expect((await org.call('PATCH', `/api/v1/phone/numbers/${desk.id}`, { body: { incoming_call_action: 'auto_reject' } })).status).toBe(200);
  rejected = [];
  for (let index = 0; index < 3; index += 1) {
    const { call_control_id: callControlId } = await stack.ring(desk.number, `+1415555010${index}`);
    rejected.push(await stack.settledRow(callControlId));
  }
  ({ call_control_id: liveCallControlId } = await stack.ring(agent.number, '+14155550199'));
  live = await waitFor(async () => {
    const row = await stack.callRow(liveCallControlId);
    return row?.status === 'answered' ? row : undefined;
  }, 'the live call to be answered');
  const other = await stack.organizationWithNumber();
  foreign = await stack.settledRow((await stack.ring(other.number.number)).call_control_id);

  const run = await runCommand(python, ['test/compat/inkbox_calls_client.py', stack.api.url, org.apiKey, live.id, rejected[2]!.id]);
  try {
    summary = JSON.parse(run.stdout) as Summary;
  } catch {
    throw new Error(`the SDK script printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
  if (run.exitCode !== 0 || summary.crash) throw new Error(`the SDK flow crashed: ${summary.crash}\n${summary.traceback}\nso far: ${JSON.stringify(summary, null, 1)}`);
}, 300_000);
afterAll(async () => {
  await stack?.close();
  await media?.close();
});

test('when the SDK lists calls, then it parses the organization\'s calls newest first, and only those', () => {
  expect(summary.sdk_version).toMatch(/^0\.7\./);
  expect(summary.listed.map((call: Summary) => call.id)).toEqual([live.id, ...rejected.map((row) => row.id).reverse()]);
  expect(summary.listed.map((call: Summary) => call.id)).not.toContain(foreign.id);
  expect(summary.listed[1]).toEqual({
    id: rejected[2]!.id,
    local_phone_number: localNumbers.desk,
    remote_phone_number: '+14155550102',
    direction: 'inbound',
    status: 'canceled',
    client_websocket_url: null,
    hangup_reason: 'rejected',
    started_at: null,
    ended_at: expect.any(String),
    created_at: expect.any(String),
    updated_at: expect.any(String),
    is_blocked: false,
    origin: 'dedicated_number',
    mode: 'client_websocket',
  });
  expect(summary.requests).toContainEqual({ method: 'GET', path: '/api/v1/phone/calls?limit=50&offset=0', status: 200 });
});

test('when the SDK pages with limit and offset, then the pages follow the same order', () => {
  expect(summary.page_1).toEqual([live.id, rejected[2]!.id]);
  expect(summary.page_2).toEqual([rejected[1]!.id, rejected[0]!.id]);
  expect(summary.requests).toContainEqual({ method: 'GET', path: '/api/v1/phone/calls?limit=2&offset=2', status: 200 });
});

test('when the SDK gets the live call, then it is answered, streaming to the number\'s client_websocket_url', () => {
  expect(summary.got).toMatchObject({
    id: live.id,
    local_phone_number: localNumbers.agent,
    remote_phone_number: '+14155550199',
    status: 'answered',
    client_websocket_url: streamUrl,
    hangup_reason: null,
    ended_at: null,
  });
  expect(Date.parse(summary.got.started_at)).toBe(live.started_at!.getTime());
});

test('when the SDK hangs up the live call, then it gets the call object and the call ends completed + local', async () => {
  expect(summary.hung_up).toMatchObject({ id: live.id, local_phone_number: localNumbers.agent });
  expect(['answered', 'completed']).toContain(summary.hung_up.status);
  expect(await stack.settledRow(liveCallControlId)).toMatchObject({ status: 'completed', hangup_reason: 'local' });
  expect((await stack.sandboxCall(liveCallControlId)).commands.map((command) => command.action)).toEqual(['answer', 'hangup']);
});

test('when the SDK hangs up a call that has ended, then it raises the server\'s 409', () => {
  expect(summary.hangup_ended_error).toMatchObject({ class: 'InkboxAPIError', status_code: 409, detail: expect.any(String) });
  expect(summary.requests).toContainEqual({ method: 'POST', path: `/api/v1/phone/calls/${rejected[2]!.id}/hangup`, status: 409 });
});

test('when the SDK gets a call that does not exist, then it raises a 404', () => {
  expect(summary.unknown_call_error).toMatchObject({ status_code: 404 });
});
