import WebSocket from 'ws';

/** A frame of the media stream as the sandbox recorded it: parsed JSON, or the raw text / binary it could not parse. */
export interface StreamFrameRecord {
  at: string;
  frame: Record<string, unknown> | null;
  /** Set when the frame was not a JSON object: its text, or base64 of a binary frame. */
  raw?: string;
  /** For a `media` frame received: played to the caller (bidirectional `rtp` mode and a base64 payload) or not. */
  accepted?: boolean;
}

/** Where the stream writes what it sent and received (the call's `stream` record). */
export interface StreamLog {
  media_frames_sent: number;
  frames_sent: StreamFrameRecord[];
  frames_received: StreamFrameRecord[];
}

export interface MediaStreamOptions {
  url: string;
  /** Accept any TLS certificate of a `wss` server (`media_tls_insecure`, development only). */
  insecureTls: boolean;
  streamId: string;
  callControlId: string;
  clientState: string | null;
  track: 'inbound_track' | 'outbound_track' | 'both_tracks';
  bidirectionalMode: 'rtp' | 'mp3' | null;
  record: StreamLog;
  /** The connection is open and `connected` + `start` are sent. */
  onOpen(): void;
  /** The connection could not be made, or the server dropped it before the sandbox stopped the stream. */
  onFailure(reason: string): void;
}

export interface MediaStreamHandle {
  /** Sends `stop` and closes (or abandons a connection still being made); no callback fires after it. */
  stop(): void;
}

/** 20 ms of 8 kHz audio: 160 one-byte PCMU samples, the frame size Telnyx streams. */
const samplesPerFrame = 160;
const frameIntervalMs = 20;
const connectTimeoutMs = 5000;
/** Media frames kept in `frames_sent` (the count goes on); 500 = 10 s of one track. */
const keptMediaFrames = 500;
const keptReceivedFrames = 5000;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** G.711 μ-law encoding of one 16-bit linear sample. */
function muLaw(sample: number): number {
  const bias = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), 32635) + bias;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** 20 ms of a quiet 440 Hz tone in PCMU, starting at sample `offset` (so frames join up). */
function toneFrame(offset: number): Buffer {
  const frame = Buffer.alloc(samplesPerFrame);
  for (let index = 0; index < samplesPerFrame; index += 1) {
    frame[index] = muLaw(Math.round(2000 * Math.sin((2 * Math.PI * 440 * (offset + index)) / 8000)));
  }
  return frame;
}

/**
 * Telnyx's side of a media stream (the AsyncAPI "Stream call media over WebSocket"): connects to
 * `stream_url`, sends `connected` and `start`, then a `media` frame per track every 20 ms, and `stop`
 * when the call ends; records every frame the server sends back.
 */
export function openMediaStream(options: MediaStreamOptions): MediaStreamHandle {
  const { record } = options;
  let stopped = false;
  let sequence = 0;
  let interval: NodeJS.Timeout | undefined;
  const socket = new WebSocket(options.url, { handshakeTimeout: connectTimeoutMs, rejectUnauthorized: !options.insecureTls });

  function send(frame: Record<string, unknown>): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify(frame));
    const isMedia = frame.event === 'media';
    if (isMedia) record.media_frames_sent += 1;
    if (!isMedia || record.frames_sent.length < keptMediaFrames) record.frames_sent.push({ at: new Date().toISOString(), frame });
  }
  const nextSequence = () => String((sequence += 1));

  function fail(reason: string): void {
    if (stopped) return;
    stopped = true;
    clearInterval(interval);
    socket.terminate();
    options.onFailure(reason);
  }

  socket.on('open', () => {
    if (stopped) return;
    send({ event: 'connected', version: '1.0.0' });
    send({
      event: 'start',
      sequence_number: nextSequence(),
      start: {
        call_control_id: options.callControlId,
        client_state: options.clientState,
        media_format: { encoding: 'PCMU', sample_rate: 8000, channels: 1 },
      },
      stream_id: options.streamId,
    });
    const tracks = options.track === 'both_tracks' ? ['inbound', 'outbound'] : [options.track === 'inbound_track' ? 'inbound' : 'outbound'];
    let chunk = 0;
    interval = setInterval(() => {
      chunk += 1;
      const payload = toneFrame((chunk - 1) * samplesPerFrame).toString('base64');
      for (const track of tracks) {
        send({
          event: 'media',
          sequence_number: nextSequence(),
          media: { track, chunk: String(chunk), timestamp: String((chunk - 1) * frameIntervalMs), payload },
          stream_id: options.streamId,
        });
      }
    }, frameIntervalMs);
    options.onOpen();
  });

  socket.on('message', (data, isBinary) => {
    if (record.frames_received.length >= keptReceivedFrames) return;
    const at = new Date().toISOString();
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) return void record.frames_received.push({ at, frame: null, raw: bytes.toString('base64') });
    const text = bytes.toString('utf8');
    let frame: unknown = null;
    try {
      frame = JSON.parse(text);
    } catch {
      // recorded raw below
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return void record.frames_received.push({ at, frame: null, raw: text });
    const parsed = frame as Record<string, unknown>;
    const entry: StreamFrameRecord = { at, frame: parsed };
    if (parsed.event === 'media') {
      const payload = (parsed.media as { payload?: unknown } | undefined)?.payload;
      entry.accepted = options.bidirectionalMode === 'rtp' && typeof payload === 'string' && payload !== '' && base64.test(payload);
    }
    record.frames_received.push(entry);
  });

  socket.on('error', (error) => fail(`could not stream to ${options.url}: ${error.message}`));
  socket.on('close', (code) => fail(`the stream server closed the connection (code ${code})`));

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(interval);
      if (socket.readyState === WebSocket.OPEN) {
        send({ event: 'stop', sequence_number: nextSequence(), stop: { call_control_id: options.callControlId }, stream_id: options.streamId });
        socket.close(1000, 'call ended');
        setTimeout(() => socket.terminate(), 1000).unref();
      } else {
        socket.terminate();
      }
    },
  };
}
