import type { CustomerCallDecision } from '../domain/calls.js';

/** The decision a webhook answered, or what is wrong with its body (for operators). */
export type ParsedCallDecision = { decision: CustomerCallDecision } | { problem: string };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a webhook's answer: exactly `{"action": "answer", "client_websocket_url"?: "wss://…"}`,
 * `{"action": "reject"}` or `{"action": "ignore"}`. Anything else (another key, another action, a
 * non-wss URL) is a problem, and the call fails closed. A `client_websocket_url` of null reads as absent,
 * as a client that serialises an unset optional field sends it. Whether the URL's host may be reached
 * is the SSRF guard's concern, not this one's.
 */
export function parseCustomerCallDecision(text: string): ParsedCallDecision {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `the answer is not JSON: ${JSON.stringify(text.slice(0, 200))}` };
  }
  if (!isPlainObject(value)) return { problem: 'the answer is not a JSON object' };
  const { action, ...rest } = value;
  const extra = Object.keys(rest).filter((key) => action !== 'answer' || key !== 'client_websocket_url');
  if (extra.length > 0) return { problem: `the answer has keys a call decision does not: ${extra.join(', ')}` };
  if (action === 'reject' || action === 'ignore') return { decision: { action } };
  if (action !== 'answer') return { problem: `"action" is ${JSON.stringify(action)}, not "answer", "reject" or "ignore"` };

  const url = rest.client_websocket_url;
  if (url === undefined || url === null) return { decision: { action: 'answer', clientWebsocketUrl: null } };
  if (typeof url !== 'string') return { problem: '"client_websocket_url" is not a string' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: `"client_websocket_url" is not a URL: ${JSON.stringify(url.slice(0, 200))}` };
  }
  if (parsed.protocol !== 'wss:') return { problem: `"client_websocket_url" is not a wss:// URL (${parsed.protocol})` };
  return { decision: { action: 'answer', clientWebsocketUrl: url } };
}
