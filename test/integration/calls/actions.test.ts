import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callDecisionReasons } from '../../../domain/calls.js';
import { searchAttributes } from '../../../domain/search-attributes.js';
import { workflowIds } from '../../../domain/workflow-contract.js';
import { startCallStack, type CallStack } from '../../support/call-stack.js';
import { waitFor } from '../../support/workflow-harness.js';
import { recordCallHistory } from '../workflows/incoming-call-events.js';

/**
 * `auto_reject` and `auto_accept` through the whole stack: the sandbox rings a number provisioned
 * through the API, the API starts the call workflow from the signed `call.initiated`, the worker decides
 * and sends the Call Control command, the media stream reaches a local wss server (test CA,
 * `media_tls_insecure`) and back, and the call row follows until either side hangs up. Two scenarios
 * record their workflow histories for test/integration/workflows/replay.test.ts (RECORD_HISTORIES=1).
 */

let stack: CallStack;

beforeAll(async () => {
  stack = await startCallStack();
});
afterAll(async () => {
  await stack?.close();
});

const decodeClientState = (clientState: unknown) => JSON.parse(Buffer.from(String(clientState ?? ''), 'base64').toString('utf8'));

/** An `auto_accept` number streaming to its own path of the media server, called and answered, its stream flowing. */
async function answeredCall(path: string) {
  const streamUrl = `${stack.media.url}${path}`;
  const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: streamUrl });
  const from = '+12125550147';
  const { call_control_id: callControlId } = await stack.ring(org.number.number, from);
  const stream = await stack.media.connectionFor(callControlId, 30_000);
  const row = await stack.answeredRow(callControlId);
  return { org, from, streamUrl, callControlId, stream, row };
}

describe('auto_reject', () => {
  test('when a number with auto_reject is called, then the sandbox gets one reject and the row ends canceled + rejected', async () => {
    const org = await stack.organizationWithNumber();
    const from = '+12125550111';

    const { call_control_id: callControlId } = await stack.ring(org.number.number, from);
    const { call, row } = await stack.ended(callControlId);

    expect(call.commands.map((command) => [command.action, command.body.cause, command.command_id, command.outcome])).toEqual([
      ['reject', 'CALL_REJECTED', `${workflowIds.call(callControlId)}/reject`, 'applied'],
    ]);
    expect(call).toMatchObject({ hangup_cause: 'call_rejected', hangup_source: 'callee', answered_at: null, stream: null });
    expect(row).toMatchObject({
      organization_id: org.organizationId,
      phone_number_id: org.number.id,
      agent_identity_id: org.identityId,
      local_phone_number: org.number.number,
      remote_phone_number: from,
      workflow_id: workflowIds.call(callControlId),
      incoming_call_action: 'auto_reject',
      status: 'canceled',
      hangup_reason: 'rejected',
      decision_reason: callDecisionReasons.autoReject,
      started_at: null,
      client_websocket_url: null,
    });
    expect(row.ended_at).toBeInstanceOf(Date);
    const api = await org.call('GET', `/api/v1/phone/calls/${row.id}`);
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ id: row.id, direction: 'inbound', status: 'canceled', hangup_reason: 'rejected', started_at: null });
    expect(api.body.ended_at).toEqual(row.ended_at!.toISOString());
  });

  test('when the call has been decided, then its workflow has completed and is findable by organization, handle and number', async () => {
    const org = await stack.organizationWithNumber({}, ['reject-desk']);
    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const row = await stack.settledRow(callControlId);

    const result = await stack.resultOf(callControlId);
    const description = await stack.workflowOf(callControlId).describe();

    expect(result).toEqual({ callId: row.id, status: 'canceled', decisionReason: callDecisionReasons.autoReject, streaming: 'none' });
    expect(description.type).toBe('handleIncomingCall');
    expect(description.status.name).toBe('COMPLETED');
    expect(description.typedSearchAttributes.get(searchAttributes.organizationId)).toBe(org.organizationId);
    expect(description.typedSearchAttributes.get(searchAttributes.agentHandle)).toBe('reject-desk');
    expect(description.typedSearchAttributes.get(searchAttributes.phoneNumber)).toBe(org.number.number);
  });
});

describe('a number that takes no calls', () => {
  test('when a paused number is called, then the call is rejected whatever its action', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: `${stack.media.url}/paused` });
    await stack.api.db.updateTable('phone_numbers').set({ status: 'paused' }).where('id', '=', org.number.id).execute();

    const { call, row } = await stack.ended((await stack.ring(org.number.number)).call_control_id);

    expect(call.commands.map((command) => [command.action, command.outcome])).toEqual([['reject', 'applied']]);
    expect(row).toMatchObject({ status: 'canceled', hangup_reason: 'rejected', decision_reason: callDecisionReasons.numberPaused });
  });

  test('when a released number is called (the carrier still routes it), then the call is rejected and no row is written', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: `${stack.media.url}/released` });
    await stack.api.db.updateTable('phone_numbers').set({ status: 'released' }).where('id', '=', org.number.id).execute();

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const outcome = await stack.resultOf(callControlId);
    const call = await stack.sandboxCallWhen(callControlId, (each) => each.state === 'hangup', 'the call to end');

    expect(call.commands.map((command) => [command.action, command.outcome])).toEqual([['reject', 'applied']]);
    expect(outcome).toMatchObject({ callId: null, decisionReason: callDecisionReasons.numberUnknown });
    expect(await stack.callRow(callControlId)).toBeUndefined();
  });
});

describe('auto_accept', () => {
  test('when the carrier fails the answer sent with the lookup, then the workflow sends it again and the call is answered', async () => {
    const streamUrl = `${stack.media.url}/auto-accept/answer-again`;
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: streamUrl });
    await stack.api.control.addFault({ method: 'POST', path: '/v2/calls/*', action: { type: 'error', status: 500 }, times: 1 });

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const row = await stack.answeredRow(callControlId);
    const answers = (await stack.api.control.requests()).filter((request) => decodeURIComponent(request.path).endsWith(`/${callControlId}/actions/answer`));
    const call = await stack.sandboxCall(callControlId);

    expect(answers.map((request) => (request.status === 500 ? 'refused' : request.status! < 300 ? 'ok' : request.status))).toEqual(['refused', 'ok']);
    expect(call.commands.map((command) => [command.action, command.outcome])).toEqual([['answer', 'applied']]);
    expect(row).toMatchObject({ status: 'answered', client_websocket_url: streamUrl, decision_reason: callDecisionReasons.autoAccept });
    await stack.callerHangsUp(callControlId);
    await stack.settledRow(callControlId);
  });

  test('when a number with auto_accept is called, then the call is answered with a bidirectional stream of both tracks carrying the call context, and the workflow follows the stream', async () => {
    const { org, from, streamUrl, callControlId, stream, row } = await answeredCall('/auto-accept/context');

    const call = await stack.sandboxCallWhen(callControlId, (each) => each.stream?.state === 'streaming', 'the stream to flow');
    expect(call.state).toBe('answered');
    expect(call.commands.map((command) => [command.action, command.outcome])).toEqual([['answer', 'applied']]);
    expect(call.commands[0]!.body).toMatchObject({
      stream_url: streamUrl,
      stream_track: 'both_tracks',
      stream_bidirectional_mode: 'rtp',
      stream_bidirectional_codec: 'PCMU',
    });
    expect(call.commands[0]!.command_id).toBe(`${workflowIds.call(callControlId)}/answer`);
    const context = { call_id: row.id, local_phone_number: org.number.number, remote_phone_number: from, agent_handle: 'agent' };
    expect(decodeClientState(call.commands[0]!.body.client_state)).toEqual(context);
    expect(decodeClientState(stream.clientState)).toEqual(context);
    expect(row).toMatchObject({ client_websocket_url: streamUrl, decision_reason: callDecisionReasons.autoAccept, hangup_reason: null, ended_at: null });
    expect(row.started_at).toBeInstanceOf(Date);
    expect((await org.call('GET', `/api/v1/phone/calls/${row.id}`)).body).toMatchObject({ status: 'answered', client_websocket_url: streamUrl });

    await waitFor(async () => (await stack.progressOf(callControlId)).streaming === 'started', 'the workflow to hear streaming.started');
    await stack.callerHangsUp(callControlId);
    const outcome = await stack.resultOf(callControlId);
    await recordCallHistory(stack.api.temporal, 'incoming-call-auto-accept', workflowIds.call(callControlId));

    expect(outcome).toEqual({ callId: row.id, status: 'completed', decisionReason: callDecisionReasons.autoAccept, streaming: 'stopped' });
  });

  test('when the stream is open, then the wss server gets connected, start and 20 ms PCMU media frames of both tracks, and frames it sends back reach the sandbox', async () => {
    const { callControlId, stream } = await answeredCall('/auto-accept/media');

    const mediaFrames = await stream.waitForEvents('media', 20, 30_000);
    expect(stream.frames.slice(0, 2).map((frame) => frame.event)).toEqual(['connected', 'start']);
    expect(stream.frames[1]!.frame.start).toMatchObject({ call_control_id: callControlId, media_format: { encoding: 'PCMU', sample_rate: 8000, channels: 1 } });
    expect(new Set(mediaFrames.map((frame) => frame.frame.media.track))).toEqual(new Set(['inbound', 'outbound']));
    for (const frame of mediaFrames) expect(Buffer.from(frame.frame.media.payload, 'base64')).toHaveLength(160);
    const inbound = mediaFrames.filter((frame) => frame.frame.media.track === 'inbound').map((frame) => Number(frame.frame.media.timestamp));
    expect(inbound.slice(1).map((timestamp, index) => timestamp - inbound[index]!)).toEqual(Array(inbound.length - 1).fill(20));

    const played = Buffer.alloc(160, 0x7f);
    for (let index = 0; index < 5; index += 1) stream.sendMedia(played);
    const call = await stack.sandboxCallWhen(
      callControlId,
      (each) => (each.stream?.frames_received ?? []).filter((frame) => frame.accepted).length >= 5,
      'the frames sent back to reach the sandbox',
    );
    const back = call.stream!.frames_received.filter((frame) => frame.accepted);
    expect(back.map((frame) => frame.frame?.media)).toEqual(Array(5).fill({ payload: played.toString('base64') }));

    await stack.callerHangsUp(callControlId);
    await stream.waitForFrame((frame) => frame.event === 'stop', 30_000);
    await stack.settledRow(callControlId);
  });

  test('when the caller hangs up an answered call, then the stream stops and the row ends completed + remote', async () => {
    const { org, callControlId, stream, row: answered } = await answeredCall('/auto-accept/caller-hangs-up');

    await stack.callerHangsUp(callControlId);
    const row = await stack.settledRow(callControlId);

    expect(row).toMatchObject({ id: answered.id, status: 'completed', hangup_reason: 'remote', decision_reason: callDecisionReasons.autoAccept });
    expect(row.started_at).toEqual(answered.started_at);
    expect(row.ended_at!.getTime()).toBeGreaterThanOrEqual(row.started_at!.getTime());
    await stream.waitForFrame((frame) => frame.event === 'stop', 30_000);
    const call = await stack.sandboxCall(callControlId);
    expect(call).toMatchObject({ hangup_cause: 'normal_clearing', hangup_source: 'caller' });
    expect(call.commands.map((command) => command.action)).toEqual(['answer']);
    expect((await stack.resultOf(callControlId)).status).toBe('completed');
    expect((await org.call('GET', `/api/v1/phone/calls/${row.id}`)).body).toMatchObject({ status: 'completed', hangup_reason: 'remote' });
  });
});

describe('POST /api/v1/phone/calls/{id}/hangup', () => {
  test('when a live call is hung up through the API, then the sandbox gets a hangup, the row ends completed + local, and a second hangup is 409', async () => {
    const { org, callControlId, stream, row: answered } = await answeredCall('/hangup-api');

    const hungUp = await org.call('POST', `/api/v1/phone/calls/${answered.id}/hangup`);

    expect(hungUp.status).toBe(200);
    expect(hungUp.body).toMatchObject({ id: answered.id, local_phone_number: org.number.number });
    const { call, row } = await stack.ended(callControlId);
    expect(call.commands.map((command) => [command.action, command.command_id, command.outcome])).toEqual([
      ['answer', `${workflowIds.call(callControlId)}/answer`, 'applied'],
      ['hangup', `${workflowIds.call(callControlId)}/hangup`, 'applied'],
    ]);
    expect(call).toMatchObject({ hangup_cause: 'normal_clearing', hangup_source: 'callee' });
    expect(row).toMatchObject({ status: 'completed', hangup_reason: 'local', decision_reason: callDecisionReasons.autoAccept });
    expect(row.ended_at).toBeInstanceOf(Date);
    await stream.waitForFrame((frame) => frame.event === 'stop', 30_000);
    await stack.resultOf(callControlId);
    await recordCallHistory(stack.api.temporal, 'incoming-call-hangup-requested', workflowIds.call(callControlId));

    const again = await org.call('POST', `/api/v1/phone/calls/${answered.id}/hangup`);
    expect([again.status, again.body.error]).toEqual([409, 'call_ended']);
    expect((await stack.sandboxCall(callControlId)).commands).toHaveLength(2);
  });

  test('when the hangup API is called while the answer sent with the lookup is on its way, then the answered call is hung up, not left up', async () => {
    const streamUrl = `${stack.media.url}/hangup-api/during-answer`;
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: streamUrl });
    // The answer reaches the carrier only after the hangup request has reached the workflow.
    await stack.api.control.addFault({ method: 'POST', path: '/v2/calls/*', action: { type: 'delay', ms: 2500 }, times: 1 });

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const ringing = await waitFor(async () => stack.callRow(callControlId), 'the call row');
    const hungUp = await org.call('POST', `/api/v1/phone/calls/${ringing.id}/hangup`);
    const { call, row } = await stack.ended(callControlId);

    expect(hungUp.status).toBe(200);
    expect(call.commands.map((command) => [command.action, command.outcome])).toEqual([
      ['answer', 'applied'],
      ['hangup', 'applied'],
    ]);
    expect(call).toMatchObject({ hangup_source: 'callee' });
    expect(row).toMatchObject({ hangup_reason: 'local', decision_reason: callDecisionReasons.autoAccept });
  });

  test('when another organization hangs up the call, then 404 and the call goes on', async () => {
    const { callControlId, row } = await answeredCall('/hangup-api/other-org');
    const other = await stack.api.newOrganization();

    const refused = await other.call('POST', `/api/v1/phone/calls/${row.id}/hangup`);

    expect(refused.status).toBe(404);
    expect((await stack.callRow(callControlId))?.status).toBe('answered');
    expect((await stack.sandboxCall(callControlId)).commands.map((command) => command.action)).toEqual(['answer']);
    await stack.callerHangsUp(callControlId);
    expect((await stack.settledRow(callControlId)).hangup_reason).toBe('remote');
  });
});
