import { telnyxErrors } from './errors.js';

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const streamTracks = ['inbound_track', 'outbound_track', 'both_tracks'] as const;
export const bidirectionalModes = ['rtp', 'mp3'] as const;
export const bidirectionalCodecs = ['PCMU', 'PCMA', 'G722', 'OPUS', 'AMR-WB', 'L16'] as const;
/** `reject`'s `cause` and the `hangup_cause` each gives. */
export const rejectCauses = { CALL_REJECTED: 'call_rejected', USER_BUSY: 'user_busy' } as const;

export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw telnyxErrors.invalid(`/${key}`, `${key} must be a string.`);
  return value;
}

export function optionalEnum<T extends string>(body: Record<string, unknown>, key: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(body, key);
  if (value !== undefined && !allowed.includes(value as T)) throw telnyxErrors.invalid(`/${key}`, `${key} must be one of ${allowed.join(', ')}.`);
  return value as T | undefined;
}

/** `client_state` "must be a valid Base-64 encoded string" (actions.d.ts): anything else is refused. */
export function clientStateOf(body: Record<string, unknown>): string | undefined {
  const value = optionalString(body, 'client_state');
  if (value !== undefined && (value === '' || !base64.test(value))) throw telnyxErrors.invalid('/client_state', 'client_state must be a valid Base-64 encoded string.');
  return value;
}

export function streamUrlOf(body: Record<string, unknown>): string | undefined {
  const value = optionalString(body, 'stream_url');
  if (value === undefined) return undefined;
  const protocol = URL.canParse(value) ? new URL(value).protocol : null;
  if (protocol !== 'ws:' && protocol !== 'wss:') throw telnyxErrors.invalid('/stream_url', 'stream_url must be a WebSocket address (wss:// or ws://).');
  return value;
}
