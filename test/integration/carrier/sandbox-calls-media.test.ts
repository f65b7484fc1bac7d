import Telnyx from 'telnyx';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import { startMediaStreamServer, type MediaStreamServer } from '../../support/media-stream-server.js';
import { startTestSandbox, type TestSandbox } from '../../support/start-test-sandbox.js';
import { startCallEventReceiver } from '../../support/telnyx-call-events.js';

// The media stream of an answered call, held to Telnyx's "Stream call media over WebSocket" (AsyncAPI,
// developers.telnyx.com/api-reference/websockets/stream-call-media-over-websocket) and the streaming.*
// events of webhooks.d.ts: a local wss server with a certificate nobody trusts, and the sandbox's
// development flag media_tls_insecure.

let sandbox: TestSandbox;
let receiver: Awaited<ReturnType<typeof startCallEventReceiver>>;
let streamServer: MediaStreamServer;
let client: Telnyx;
const caller = '+14155550199';
const clientState = Buffer.from(JSON.stringify({ call_id: 'media-1' })).toString('base64');

beforeAll(async () => {
  receiver = await startCallEventReceiver();
  streamServer = await startMediaStreamServer();
  sandbox = await startTestSandbox({ webhookUrl: receiver.url });
  receiver.trustKey(sandbox.sandbox.publicKey);
  client = new Telnyx({ apiKey: 'test-key', baseURL: sandbox.sandbox.baseURL, maxRetries: 0 });
});
afterAll(async () => {
  await sandbox.sandbox.stop();
  await streamServer.close();
  await receiver.close();
});
beforeEach(async () => {
  await sandbox.control.reset();
  await sandbox.control.configure({ media_tls_insecure: true });
  receiver.clear();
});

async function ring(): Promise<string> {
  const search = await client.availablePhoneNumbers.list({ filter: { phone_number_type: 'toll_free', limit: 1 } });
  const to = search.data![0]!.phone_number!;
  await client.numberOrders.create({ phone_numbers: [{ phone_number: to }], connection_id: 'call-control-app-1' });
  const { call_control_id: id } = await sandbox.control.ringCall({ to, from: caller });
  await receiver.waitFor(id, 'call.initiated');
  return id;
}

async function answerStreaming(id: string, streamUrl = streamServer.url): Promise<void> {
  await client.calls.actions.answer(id, {
    stream_url: streamUrl,
    stream_track: 'both_tracks',
    stream_bidirectional_mode: 'rtp',
    stream_bidirectional_codec: 'PCMU',
    client_state: clientState,
    command_id: `answer-${id}`,
  });
}

describe('a call answered with stream_url', () => {
  it('when the wss server has a self-signed certificate and media_tls_insecure is on, then it receives connected, start and media frames of 160 PCMU bytes per track every chunk', async () => {
    const id = await ring();

    await answerStreaming(id);
    const connection = await streamServer.connectionFor(id);
    await connection.waitForEvents('media', 10);

    const [connected, start] = connection.frames;
    expect(connected!.frame).toEqual({ event: 'connected', version: '1.0.0' });
    expect(start!.frame).toMatchObject({
      event: 'start',
      sequence_number: '1',
      start: { call_control_id: id, client_state: clientState, media_format: { encoding: 'PCMU', sample_rate: 8000, channels: 1 } },
    });
    expect(start!.frame.stream_id).toEqual(expect.any(String));
    const media = connection.frames.filter((each) => each.event === 'media').map((each) => each.frame);
    for (const frame of media) {
      expect(frame).toMatchObject({ stream_id: start!.frame.stream_id, media: { track: expect.stringMatching(/^(inbound|outbound)$/), chunk: expect.any(String), timestamp: expect.any(String) } });
      expect(Buffer.from(frame.media.payload, 'base64')).toHaveLength(160);
    }
    expect(new Set(media.map((frame) => frame.media.track))).toEqual(new Set(['inbound', 'outbound']));
    const sequence = media.map((frame) => Number(frame.sequence_number));
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    const inbound = media.filter((frame) => frame.media.track === 'inbound');
    expect(inbound.map((frame) => Number(frame.media.timestamp) - Number(inbound[0]!.media.timestamp))).toEqual(inbound.map((_, index) => index * 20));
  });

  it('when the stream opens, then call.answered is followed by streaming.started carrying stream_url and client_state', async () => {
    const id = await ring();

    await answerStreaming(id);
    const started = await receiver.waitFor(id, 'streaming.started');

    expect(started.data.payload).toMatchObject({ call_control_id: id, stream_url: streamServer.url, client_state: clientState });
    expect(await receiver.typesOf(id)).toEqual(['call.initiated', 'call.answered', 'streaming.started']);
    expect((await sandbox.control.getCall(id)).stream).toMatchObject({ state: 'streaming', stream_url: streamServer.url, stream_track: 'both_tracks', bidirectional_mode: 'rtp' });
  });

  it('when the server sends media frames back, then the sandbox records them as played to the caller', async () => {
    const id = await ring();
    await answerStreaming(id);
    const connection = await streamServer.connectionFor(id);
    const audio = Buffer.alloc(160, 0x7f);

    connection.sendMedia(audio);
    connection.send({ event: 'mark', mark: { name: 'greeting' } });
    const call = await sandbox.control.waitForCall(id, (current) => (current.stream?.frames_received.length ?? 0) >= 2 && current.stream!.media_frames_sent > 0);

    expect(call.stream!.frames_received.map((each) => [each.frame, each.accepted])).toEqual([
      [{ event: 'media', media: { payload: audio.toString('base64') } }, true],
      [{ event: 'mark', mark: { name: 'greeting' } }, undefined],
    ]);
    expect(call.stream!.media_frames_sent).toBeGreaterThan(0);
    expect(call.stream!.frames_sent.slice(0, 2).map((each) => each.frame!.event)).toEqual(['connected', 'start']);
  });

  it('when the call is hung up, then the server gets stop and streaming.stopped comes before call.hangup', async () => {
    const id = await ring();
    await answerStreaming(id);
    const connection = await streamServer.connectionFor(id);
    await receiver.waitFor(id, 'streaming.started');

    await client.calls.actions.hangup(id, { command_id: 'bye' });
    const stop = await connection.waitForFrame((each) => each.event === 'stop');
    await receiver.waitFor(id, 'call.hangup');

    expect(stop.frame).toMatchObject({ event: 'stop', stop: { call_control_id: id }, stream_id: connection.streamId });
    expect(connection.frames.at(-1)!.event).toBe('stop');
    expect(await receiver.typesOf(id)).toEqual(['call.initiated', 'call.answered', 'streaming.started', 'streaming.stopped', 'call.hangup']);
    expect((await sandbox.control.getCall(id)).stream!.state).toBe('stopped');
  });

  it('when the caller hangs up during the stream, then stop, streaming.stopped, and call.hangup from the caller', async () => {
    const id = await ring();
    await answerStreaming(id);
    const connection = await streamServer.connectionFor(id);
    await receiver.waitFor(id, 'streaming.started');

    await sandbox.control.hangUpCall(id);
    await connection.waitForFrame((each) => each.event === 'stop');

    expect((await receiver.waitFor(id, 'call.hangup')).data.payload).toMatchObject({ hangup_cause: 'normal_clearing', hangup_source: 'caller' });
    expect(await receiver.typesOf(id)).toEqual(['call.initiated', 'call.answered', 'streaming.started', 'streaming.stopped', 'call.hangup']);
  });
});

describe('streams that fail', () => {
  it('when media_tls_insecure is off (the default), then a self-signed certificate is refused: streaming.failed with the reason', async () => {
    await sandbox.control.configure({ media_tls_insecure: false });
    const id = await ring();

    await answerStreaming(id);
    const failed = await receiver.waitFor(id, 'streaming.failed');

    expect(failed.data.payload).toMatchObject({ call_control_id: id, stream_type: 'websocket', stream_params: { stream_url: streamServer.url, track: 'both_tracks' } });
    expect(failed.data.payload.failure_reason).toMatch(/certificate/i);
    expect(streamServer.connections.some((each) => each.callControlId === id)).toBe(false);
    expect((await sandbox.control.getCall(id)).state).toBe('answered');
  });

  it('when nothing listens at stream_url, then streaming.failed follows call.answered', async () => {
    const id = await ring();

    await answerStreaming(id, 'ws://127.0.0.1:9/media');

    expect((await receiver.waitFor(id, 'streaming.failed')).data.payload.failure_reason).toMatch(/ECONNREFUSED/);
    expect(await receiver.typesOf(id)).toEqual(['call.initiated', 'call.answered', 'streaming.failed']);
  });

  it('when the server drops the connection mid-call, then streaming.failed and the call stays answered', async () => {
    const id = await ring();
    await answerStreaming(id);
    const connection = await streamServer.connectionFor(id);
    await receiver.waitFor(id, 'streaming.started');

    connection.close(1011);

    expect((await receiver.waitFor(id, 'streaming.failed')).data.payload.failure_reason).toMatch(/1011/);
    expect((await sandbox.control.getCall(id)).state).toBe('answered');
  });
});

describe('through the carrier adapter (createTelnyxCarrier)', () => {
  it('when the adapter answers with its stream settings, then media reaches the wss server with the context in start.client_state', async () => {
    const carrier = createTelnyxCarrier({ apiKey: 'test-key', baseURL: sandbox.sandbox.baseURL, timeoutMs: 2_000 });
    const id = await ring();

    expect(await carrier.answerCall(id, { streamUrl: streamServer.url, clientState, commandId: 'adapter-answer' })).toBe('done');
    const connection = await streamServer.connectionFor(id);
    await connection.waitForEvents('media', 2);

    expect(connection.clientState).toBe(clientState);
    expect((await sandbox.control.getCall(id)).stream).toMatchObject({ stream_track: 'both_tracks', bidirectional_mode: 'rtp' });
  });
});

describe('POST /_sandbox/reset', () => {
  it('when the sandbox is reset during a stream, then the stream is closed', async () => {
    const id = await ring();
    await answerStreaming(id);
    const connection = await streamServer.connectionFor(id);

    await sandbox.control.reset();

    await connection.waitForFrame((each) => each.event === 'stop');
    expect(await sandbox.control.calls()).toEqual([]);
  });
});
