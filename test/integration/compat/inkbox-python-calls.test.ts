import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CallRow } from '../../../db/schema.js';
import { startCallStack, type CallStack } from '../../support/call-stack.js';
import { inkboxPython, runInkboxScript, type SdkReport } from '../../support/inkbox-python.js';

/**
 * The calls resource through the official, unmodified Inkbox Python SDK (`inkbox` 0.7.x):
 * test/compat/inkbox_python_calls.py drives it over calls the whole stack took (three calls an
 * `auto_reject` number rejected and one live call an `auto_accept` number answered, of one
 * organization; a call of another organization that must not show) and prints what the SDK parsed.
 */

let stack: CallStack;
let summary: SdkReport;
let rejected: CallRow[];
let live: CallRow;
let liveCallControlId: string;
let foreign: CallRow;
let streamUrl: string;
let localNumbers: { agent: string; desk: string };

beforeAll(async () => {
  const python = await inkboxPython();
  stack = await startCallStack();

  streamUrl = `${stack.media.url}/python-sdk`;
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
  live = await stack.answeredRow(liveCallControlId);
  const other = await stack.organizationWithNumber();
  foreign = await stack.settledRow((await stack.ring(other.number.number)).call_control_id);

  summary = await runInkboxScript(python, 'inkbox_python_calls.py', [stack.api.url, org.apiKey, live.id, rejected[2]!.id]);
}, 300_000);
afterAll(async () => {
  await stack?.close();
});

const isoOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/;
/** A request the SDK sent, as the script's response hook saw it. */
const sent = (method: string, path: string, status: number) => ({ method, path, status, api_key_header: true });

describe('the calls resource through the Inkbox Python SDK', () => {
  test('when it lists calls, then it parses the organization\'s calls newest first, and only those, with the fields of its PhoneCall', () => {
    expect(summary.sdk_version).toMatch(/^0\.7\./);
    expect(summary.listed.map((call: SdkReport) => call.id)).toEqual([live.id, ...rejected.map((row) => row.id).reverse()]);
    expect(summary.listed.map((call: SdkReport) => call.id)).not.toContain(foreign.id);
    expect(summary.listed[1]).toEqual({
      id: rejected[2]!.id,
      local_phone_number: localNumbers.desk,
      remote_phone_number: '+14155550102',
      direction: 'inbound',
      status: 'canceled',
      client_websocket_url: null,
      use_inkbox_tts: null,
      use_inkbox_stt: null,
      hangup_reason: 'rejected',
      started_at: null,
      ended_at: expect.stringMatching(isoOffset),
      created_at: expect.stringMatching(isoOffset),
      updated_at: expect.stringMatching(isoOffset),
      is_blocked: false,
      origin: 'dedicated_number',
      mode: 'client_websocket',
    });
    expect([Date.parse(summary.listed[1].created_at), Date.parse(summary.listed[1].ended_at)]).toEqual([rejected[2]!.created_at.getTime(), rejected[2]!.ended_at!.getTime()]);
    expect(summary.requests).toContainEqual(sent('GET', '/api/v1/phone/calls?limit=50&offset=0', 200));
  });

  test('when it pages with limit and offset, then the pages follow the same order', () => {
    expect(summary.page_1).toEqual([live.id, rejected[2]!.id]);
    expect(summary.page_2).toEqual([rejected[1]!.id, rejected[0]!.id]);
    expect(summary.requests).toContainEqual(sent('GET', '/api/v1/phone/calls?limit=2&offset=2', 200));
  });

  test('when it lists with limit=500, then the SDK raises the 422 with the detail list', () => {
    expect(summary.bad_limit_error).toMatchObject({
      status_code: 422,
      detail: [expect.objectContaining({ loc: ['query', 'limit'], msg: expect.any(String) })],
    });
  });

  test('when it gets a call, then it is the listed one; the live call is answered, streaming to the number\'s client_websocket_url; an unknown id raises 404', () => {
    expect(summary.got_ended).toEqual(summary.listed[1]);
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
    expect(summary.unknown_call_error).toMatchObject({ status_code: 404, detail: 'Call not found' });
  });

  test('when it hangs up a call that has ended, then the SDK raises the server\'s 409 verbatim', () => {
    expect(summary.hangup_ended_error).toEqual({ class: 'InkboxAPIError', status_code: 409, detail: 'This call has already ended', message: expect.any(String) });
    expect(summary.requests).toContainEqual(sent('POST', `/api/v1/phone/calls/${rejected[2]!.id}/hangup`, 409));
  });

  test('when it hangs up the live call, then it gets the call object, the workflow gets hangupRequested, and the call ends completed + local', async () => {
    expect(summary.hung_up).toMatchObject({ id: live.id, local_phone_number: localNumbers.agent, started_at: summary.got.started_at });
    expect(['answered', 'completed']).toContain(summary.hung_up.status);
    expect(await stack.settledRow(liveCallControlId)).toMatchObject({ status: 'completed', hangup_reason: 'local' });
    expect((await stack.sandboxCall(liveCallControlId)).commands.map((command) => command.action)).toEqual(['answer', 'hangup']);
    const history = await stack.workflowOf(liveCallControlId).fetchHistory();
    const signals = (history.events ?? []).flatMap((event) => event.workflowExecutionSignaledEventAttributes?.signalName ?? []);
    expect(signals.filter((signal) => signal === 'hangupRequested')).toHaveLength(1);
  });
});
