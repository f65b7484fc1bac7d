import { randomUUID } from 'node:crypto';
import { basePayload, type CallEvents } from './call-events.js';
import type { CallRecord, StreamRecord } from './calls.js';
import { openMediaStream, type MediaStreamHandle } from './media-stream.js';
import type { SandboxConfig } from './state.js';

/** What an answer with `stream_url` asks for. */
export interface StreamRequest {
  url: string;
  track: StreamRecord['stream_track'];
  bidirectionalMode: StreamRecord['bidirectional_mode'];
}

export type CallStreams = ReturnType<typeof createCallStreams>;

/** The media streams of answered calls and their `streaming.started|stopped|failed` events. */
export function createCallStreams(config: () => SandboxConfig, events: CallEvents) {
  const streams = new Map<string, MediaStreamHandle>();

  function open(call: CallRecord, stream: StreamRecord): void {
    const handle = openMediaStream({
      url: stream.stream_url,
      insecureTls: config().media_tls_insecure,
      streamId: stream.stream_id,
      callControlId: call.call_control_id,
      clientState: call.client_state,
      track: stream.stream_track,
      bidirectionalMode: stream.bidirectional_mode,
      record: stream,
      onOpen() {
        if (call.state !== 'answered') return;
        stream.state = 'streaming';
        events.emit(call, 'streaming.started', { ...basePayload(call), stream_url: stream.stream_url });
      },
      onFailure(reason) {
        if (streams.get(call.call_control_id) !== handle) return;
        streams.delete(call.call_control_id);
        stream.state = 'failed';
        stream.failure_reason = reason;
        events.emit(call, 'streaming.failed', {
          ...basePayload(call),
          failure_reason: reason,
          stream_id: stream.stream_id,
          stream_params: { stream_url: stream.stream_url, track: stream.stream_track },
          stream_type: 'websocket',
        });
      },
    });
    streams.set(call.call_control_id, handle);
  }

  return {
    /** Gives the answered call its `stream` record and starts streaming to the request's URL. */
    start(call: CallRecord, request: StreamRequest): void {
      call.stream = {
        stream_id: randomUUID(),
        stream_url: request.url,
        stream_track: request.track,
        bidirectional_mode: request.bidirectionalMode,
        state: 'connecting',
        failure_reason: null,
        media_frames_sent: 0,
        frames_sent: [],
        frames_received: [],
      };
      open(call, call.stream);
    },

    /** Sends `stop` and closes; `streaming.stopped` follows when asked and the stream was streaming. */
    stop(call: CallRecord, sendStopped: boolean): void {
      const handle = streams.get(call.call_control_id);
      if (!handle || !call.stream) return;
      streams.delete(call.call_control_id);
      const wasStreaming = call.stream.state === 'streaming';
      handle.stop();
      if (call.stream.state === 'connecting' || call.stream.state === 'streaming') call.stream.state = 'stopped';
      if (sendStopped && wasStreaming) events.emit(call, 'streaming.stopped', { ...basePayload(call), stream_url: call.stream.stream_url });
    },

    /** Closes every stream without events. */
    clear(): void {
      for (const handle of streams.values()) handle.stop();
      streams.clear();
    },
  };
}
