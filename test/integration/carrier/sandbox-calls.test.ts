import Telnyx, { AuthenticationError, InternalServerError, UnprocessableEntityError } from 'telnyx';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import type { Carrier } from '../../../carrier/carrier.js';
import { startTestSandbox, type TestSandbox } from '../../support/start-test-sandbox.js';
import { startCallEventReceiver } from '../../support/telnyx-call-events.js';

// Incoming calls and the Call Control commands answer / reject / hangup, held to Telnyx's documentation
// (node_modules/telnyx/resources/calls/actions.d.ts, webhooks.d.ts), through the official SDK and the
// service's carrier adapter. Every event is verified with carrier/webhook-verifier.ts.

let sandbox: TestSandbox;
let receiver: Awaited<ReturnType<typeof startCallEventReceiver>>;
let client: Telnyx;
let carrier: Carrier;
const connectionId = 'call-control-app-1';
const caller = '+14155550123';

beforeAll(async () => {
  receiver = await startCallEventReceiver();
  sandbox = await startTestSandbox({ webhookUrl: receiver.url });
  receiver.trustKey(sandbox.sandbox.publicKey);
  client = new Telnyx({ apiKey: 'test-key', baseURL: sandbox.sandbox.baseURL, maxRetries: 0 });
  carrier = createTelnyxCarrier({ apiKey: 'test-key', baseURL: sandbox.sandbox.baseURL, timeoutMs: 2_000 });
});
afterAll(async () => {
  await sandbox.sandbox.stop();
  await receiver.close();
});
beforeEach(async () => {
  await sandbox.control.reset();
  receiver.clear();
});

/** Buys a number on the Call Control connection, as the service does, and returns it. */
async function ownNumber(options: { connection?: string | null } = {}): Promise<string> {
  const search = await client.availablePhoneNumbers.list({ filter: { phone_number_type: 'toll_free', limit: 1 } });
  const phoneNumber = search.data![0]!.phone_number!;
  const connection = options.connection === undefined ? connectionId : options.connection;
  await client.numberOrders.create({ phone_numbers: [{ phone_number: phoneNumber }], ...(connection ? { connection_id: connection } : {}) });
  return phoneNumber;
}

async function ring(): Promise<{ id: string; to: string }> {
  const to = await ownNumber();
  const ids = await sandbox.control.ringCall({ to, from: caller });
  await receiver.waitFor(ids.call_control_id, 'call.initiated');
  return { id: ids.call_control_id, to };
}

const clientState = Buffer.from(JSON.stringify({ call_id: 'c-1' })).toString('base64');

describe('POST /_sandbox/calls rings a number', () => {
  it('when an owned number is rung, then a signed call.initiated carries the call as webhooks.d.ts documents it', async () => {
    const to = await ownNumber();

    const ids = await sandbox.control.ringCall({ to, from: caller });
    const event = await receiver.waitFor(ids.call_control_id, 'call.initiated');

    expect(ids.call_control_id).toMatch(/^v3:[A-Za-z0-9_-]+$/);
    expect(event.data).toMatchObject({ event_type: 'call.initiated', record_type: 'event' });
    expect(event.data.payload).toMatchObject({
      call_control_id: ids.call_control_id,
      call_leg_id: ids.call_leg_id,
      call_session_id: ids.call_session_id,
      connection_id: connectionId,
      from: caller,
      to,
      direction: 'incoming',
      state: 'parked',
      client_state: null,
    });
    expect(Date.parse(event.data.payload.start_time as string)).not.toBeNaN();
    const call = await sandbox.control.getCall(ids.call_control_id);
    expect(call.state).toBe('parked');
    expect(call.events.map((each) => [each.event_type, each.status])).toEqual([['call.initiated', 200]]);
    expect(Date.parse(call.events[0]!.sent_at!)).not.toBeNaN();
  });

  it('when the number is not the account\'s, or not E.164, or not on a connection, then the ring is refused with a clear 4xx', async () => {
    const unattached = await ownNumber({ connection: null });

    await expect(sandbox.control.ringCall({ to: '+18005550000', from: caller })).rejects.toThrow(/answered 404.*number_not_found/);
    await expect(sandbox.control.ringCall({ to: '8005550000', from: caller })).rejects.toThrow(/answered 400.*E\.164/);
    await expect(sandbox.control.ringCall({ to: unattached, from: 'anonymous' })).rejects.toThrow(/answered 400.*from must be/);
    await expect(sandbox.control.ringCall({ to: unattached, from: caller })).rejects.toThrow(/answered 409.*number_not_on_connection/);
    expect(await sandbox.control.calls()).toEqual([]);
  });
});

describe('answer', () => {
  it('when a ringing call is answered, then it answers {"data": {"result": "ok"}} and call.answered carries the command\'s client_state', async () => {
    const { id, to } = await ring();

    const answer = await client.calls.actions.answer(id, { client_state: clientState, command_id: 'answer-1' });
    const event = await receiver.waitFor(id, 'call.answered');

    expect(answer).toEqual({ data: { result: 'ok' } });
    expect(event.data.payload).toMatchObject({ call_control_id: id, state: 'answered', client_state: clientState, from: caller, to, connection_id: connectionId });
    const call = await sandbox.control.getCall(id);
    expect(call.state).toBe('answered');
    expect(call.commands).toMatchObject([{ action: 'answer', command_id: 'answer-1', outcome: 'applied', status: 200, body: { client_state: clientState, command_id: 'answer-1' } }]);
    expect(Date.parse(call.commands[0]!.received_at)).not.toBeNaN();
  });

  it('when the same command_id is sent twice, then the second answers 200 and has no effect', async () => {
    const { id } = await ring();

    await client.calls.actions.answer(id, { command_id: 'same' });
    const again = await client.calls.actions.answer(id, { command_id: 'same' });
    await client.calls.actions.hangup(id, { command_id: 'bye' });
    await receiver.waitFor(id, 'call.hangup');

    expect(again).toEqual({ data: { result: 'ok' } });
    expect(await receiver.typesOf(id)).toEqual(['call.initiated', 'call.answered', 'call.hangup']);
    expect((await sandbox.control.getCall(id)).commands.map((each) => each.outcome)).toEqual(['applied', 'duplicate', 'applied']);
  });

  it('when an answered call is answered again with a new command_id, then it answers 422', async () => {
    const { id } = await ring();
    await client.calls.actions.answer(id, { command_id: 'first' });

    const second = client.calls.actions.answer(id, { command_id: 'second' });

    await expect(second).rejects.toBeInstanceOf(UnprocessableEntityError);
    expect((await sandbox.control.getCall(id)).commands.map((each) => each.outcome)).toEqual(['applied', 'refused']);
  });

  it('when client_state is not base64 or stream_url is not a WebSocket address, then it answers 422 and the call keeps ringing', async () => {
    const { id } = await ring();

    await expect(client.calls.actions.answer(id, { client_state: 'not base64!' })).rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10015', source: { pointer: '/client_state' } }] } });
    await expect(client.calls.actions.answer(id, { stream_url: 'https://example.com/media' })).rejects.toMatchObject({ status: 422, error: { errors: [{ source: { pointer: '/stream_url' } }] } });
    expect((await sandbox.control.getCall(id)).state).toBe('parked');
  });
});

describe('reject', () => {
  it('when a ringing call is rejected, then call.hangup carries hangup_cause call_rejected and hangup_source callee', async () => {
    const { id } = await ring();

    const answer = await client.calls.actions.reject(id, { cause: 'CALL_REJECTED', client_state: clientState, command_id: 'reject-1' });
    const event = await receiver.waitFor(id, 'call.hangup');

    expect(answer).toEqual({ data: { result: 'ok' } });
    expect(event.data.payload).toMatchObject({ call_control_id: id, state: 'hangup', hangup_cause: 'call_rejected', hangup_source: 'callee', client_state: clientState });
    expect((await sandbox.control.getCall(id)).state).toBe('hangup');
  });

  it('when the cause is USER_BUSY, then the hangup_cause is user_busy', async () => {
    const { id } = await ring();

    await client.calls.actions.reject(id, { cause: 'USER_BUSY' });

    expect((await receiver.waitFor(id, 'call.hangup')).data.payload).toMatchObject({ hangup_cause: 'user_busy', hangup_source: 'callee' });
  });

  it('when a call is rejected after it was answered, then it answers 422 and the call stays answered', async () => {
    const { id } = await ring();
    await client.calls.actions.answer(id, {});

    await expect(client.calls.actions.reject(id, { cause: 'CALL_REJECTED' })).rejects.toBeInstanceOf(UnprocessableEntityError);
    expect((await sandbox.control.getCall(id)).state).toBe('answered');
  });

  it('when the cause is missing, then it answers 422 with code 10004', async () => {
    const { id } = await ring();

    await expect(client.calls.actions.reject(id, {} as never)).rejects.toMatchObject({ status: 422, error: { errors: [{ code: '10004', source: { pointer: '/cause' } }] } });
  });
});

describe('hangup', () => {
  it('when an answered call is hung up, then call.hangup carries normal_clearing and callee', async () => {
    const { id } = await ring();
    await client.calls.actions.answer(id, {});

    const answer = await client.calls.actions.hangup(id, { command_id: 'bye' });
    const event = await receiver.waitFor(id, 'call.hangup');

    expect(answer).toEqual({ data: { result: 'ok' } });
    expect(event.data.payload).toMatchObject({ hangup_cause: 'normal_clearing', hangup_source: 'callee', state: 'hangup' });
    expect(await receiver.typesOf(id)).toEqual(['call.initiated', 'call.answered', 'call.hangup']);
  });
});

describe('a call that has ended', () => {
  it('when any command reaches a call that has ended, then it answers 422 with code 90018 "Call has already ended"', async () => {
    const { id } = await ring();
    await client.calls.actions.reject(id, { cause: 'CALL_REJECTED', command_id: 'r' });

    for (const command of [
      () => client.calls.actions.answer(id, { command_id: 'a' }),
      () => client.calls.actions.reject(id, { cause: 'CALL_REJECTED', command_id: 'r2' }),
      () => client.calls.actions.hangup(id, { command_id: 'h' }),
    ]) {
      await expect(command()).rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90018', title: 'Call has already ended' }] } });
    }
  });

  it('when the call_control_id is unknown, then it answers 422 with code 90015', async () => {
    await expect(client.calls.actions.answer('v3:unknown', {})).rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90015', source: { pointer: '/call_control_id' } }] } });
  });

  it('when the action is not a Call Control command (even a name every object has), then it answers 404 and records nothing', async () => {
    const { id } = await ring();
    for (const action of ['constructor', 'toString', 'teleport']) {
      await expect(client.post(`/calls/${encodeURIComponent(id)}/actions/${action}`, { body: {} })).rejects.toMatchObject({ status: 404 });
    }
    expect((await sandbox.control.getCall(id)).commands).toEqual([]);
  });

  it('when no API key is sent, then a command answers 401', async () => {
    const { id } = await ring();
    const anonymous = new Telnyx({ apiKey: 'x', baseURL: sandbox.sandbox.baseURL, maxRetries: 0, defaultHeaders: { Authorization: null } });

    await expect(anonymous.calls.actions.answer(id, {})).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe('the caller', () => {
  it('when the caller hangs up a ringing call, then call.hangup carries originator_cancel and caller', async () => {
    const { id } = await ring();

    await sandbox.control.hangUpCall(id);

    expect((await receiver.waitFor(id, 'call.hangup')).data.payload).toMatchObject({ hangup_cause: 'originator_cancel', hangup_source: 'caller' });
    await expect(client.calls.actions.answer(id, {})).rejects.toMatchObject({ status: 422, error: { errors: [{ code: '90018' }] } });
  });

  it('when the caller hangs up an answered call, then call.hangup carries normal_clearing and caller', async () => {
    const { id } = await ring();
    await client.calls.actions.answer(id, {});

    await sandbox.control.hangUpCall(id);

    expect((await receiver.waitFor(id, 'call.hangup')).data.payload).toMatchObject({ hangup_cause: 'normal_clearing', hangup_source: 'caller' });
    await expect(sandbox.control.hangUpCall(id)).rejects.toThrow(/answered 409.*call_ended/);
  });

  it('when nobody answers within call_ring_timeout_ms, then the caller gives up: originator_cancel, caller', async () => {
    await sandbox.control.configure({ call_ring_timeout_ms: 100 });
    const { id } = await ring();

    const event = await receiver.waitFor(id, 'call.hangup');

    expect(event.data.payload).toMatchObject({ hangup_cause: 'originator_cancel', hangup_source: 'caller' });
    expect((await sandbox.control.getCall(id)).state).toBe('hangup');
  });
});

describe('faults on call commands', () => {
  it('when a fault answers 503 on answer, then the SDK sees the error and the call keeps ringing', async () => {
    const { id } = await ring();
    await sandbox.control.addFault({ method: 'POST', path: '/v2/calls/*', action: { type: 'error', status: 503 } });

    await expect(client.calls.actions.answer(id, { command_id: 'a' })).rejects.toBeInstanceOf(InternalServerError);
    expect((await sandbox.control.getCall(id)).state).toBe('parked');

    await client.calls.actions.answer(id, { command_id: 'a' });
    expect((await sandbox.control.getCall(id)).state).toBe('answered');
  });

  it('when a fault commits then errors, then the call is answered though the SDK saw a 500, and the retry with the same command_id is ignored', async () => {
    const { id } = await ring();
    await sandbox.control.addFault({ path: '/v2/calls/*', action: { type: 'commit_then_error', status: 500 } });

    await expect(client.calls.actions.answer(id, { command_id: 'a' })).rejects.toBeInstanceOf(InternalServerError);
    const retry = await client.calls.actions.answer(id, { command_id: 'a' });

    expect(retry).toEqual({ data: { result: 'ok' } });
    expect((await sandbox.control.getCall(id)).commands.map((each) => each.outcome)).toEqual(['applied', 'duplicate']);
    await receiver.waitFor(id, 'call.answered');
    expect((await receiver.typesOf(id)).filter((type) => type === 'call.answered')).toHaveLength(1);
  });
});

describe('through the carrier adapter (createTelnyxCarrier)', () => {
  it('when the adapter answers, rejects and hangs up, then each is done and its webhook follows', async () => {
    const answered = await ring();
    const rejected = await ring();

    expect(await carrier.answerCall(answered.id, { streamUrl: 'ws://127.0.0.1:9/media', clientState, commandId: 'answer-x' })).toBe('done');
    expect(await carrier.rejectCall(rejected.id, { cause: 'CALL_REJECTED', commandId: 'reject-x' })).toBe('done');
    expect(await carrier.hangupCall(answered.id, { commandId: 'hangup-x' })).toBe('done');

    expect((await receiver.waitFor(answered.id, 'call.answered')).data.payload.client_state).toBe(clientState);
    expect((await receiver.waitFor(answered.id, 'call.hangup')).data.payload).toMatchObject({ hangup_cause: 'normal_clearing', hangup_source: 'callee' });
    expect((await receiver.waitFor(rejected.id, 'call.hangup')).data.payload).toMatchObject({ hangup_cause: 'call_rejected', hangup_source: 'callee' });
  });

  it('when the call has ended, then every command answers call_ended', async () => {
    const { id } = await ring();
    await sandbox.control.hangUpCall(id);

    expect(await carrier.answerCall(id, { streamUrl: 'ws://127.0.0.1:9/media', clientState, commandId: 'a' })).toBe('call_ended');
    expect(await carrier.rejectCall(id, { cause: 'CALL_REJECTED', commandId: 'r' })).toBe('call_ended');
    expect(await carrier.hangupCall(id, { commandId: 'h' })).toBe('call_ended');
  });
});

describe('POST /_sandbox/reset', () => {
  it('when the sandbox is reset, then its calls are gone', async () => {
    const { id } = await ring();

    await sandbox.control.reset();

    expect(await sandbox.control.calls()).toEqual([]);
    await expect(sandbox.control.getCall(id)).rejects.toThrow(/answered 404/);
  });
});

describe('GET /_sandbox/calls/{id}?wait_for=decision', () => {
  it('when a wait is pending, then a refused command leaves it waiting and the first applied answer ends it with the call as it then is', async () => {
    const { id } = await ring();
    const waited = sandbox.control.waitForDecision(id, 10_000);

    await expect(client.calls.actions.reject(id, {} as never)).rejects.toBeInstanceOf(UnprocessableEntityError);
    await client.calls.actions.answer(id, { command_id: 'a' });
    const call = await waited;

    expect(call.state).toBe('answered');
    expect(call.commands.map((each) => [each.action, each.outcome])).toEqual([
      ['reject', 'refused'],
      ['answer', 'applied'],
    ]);
  });

  it('when the call is rejected or the caller hangs up, then the wait ends with the call', async () => {
    const rejected = await ring();
    const abandoned = await ring();
    const waits = [sandbox.control.waitForDecision(rejected.id, 10_000), sandbox.control.waitForDecision(abandoned.id, 10_000)];

    await client.calls.actions.reject(rejected.id, { cause: 'CALL_REJECTED' });
    await sandbox.control.hangUpCall(abandoned.id);
    const [afterReject, afterHangup] = await Promise.all(waits);

    expect(afterReject!.commands.map((each) => [each.action, each.outcome])).toEqual([['reject', 'applied']]);
    expect(afterHangup).toMatchObject({ state: 'hangup', hangup_source: 'caller', commands: [] });
  });

  it('when the call has its decision already, then the wait answers at once; when nothing happens, then it answers after timeout_ms with the call still ringing', async () => {
    const decided = await ring();
    const ringing = await ring();
    await client.calls.actions.answer(decided.id, {});

    expect((await sandbox.control.waitForDecision(decided.id, 60_000)).state).toBe('answered');
    expect(await sandbox.control.waitForDecision(ringing.id, 50)).toMatchObject({ state: 'parked', commands: [] });
  });

  it('when wait_for or timeout_ms is not understood, then it answers 400; an unknown call answers 404', async () => {
    const { id } = await ring();
    const get = (query: string) => fetch(`${sandbox.sandbox.url}/_sandbox/calls/${encodeURIComponent(id)}?${query}`);

    for (const query of ['wait_for=answer', 'wait_for=decision&timeout_ms=-1', 'wait_for=decision&timeout_ms=60001', 'wait_for=decision&timeout_ms=1.5', 'timeout_ms=100']) {
      const response = await get(query);
      expect({ query, status: response.status, body: await response.json() }).toMatchObject({ query, status: 400, body: { error: 'invalid_request' } });
    }
    const unknown = await fetch(`${sandbox.sandbox.url}/_sandbox/calls/v3:nope?wait_for=decision&timeout_ms=10`);
    expect(unknown.status).toBe(404);
  });
});
