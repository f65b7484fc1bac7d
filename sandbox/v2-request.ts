import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SandboxContext } from './context.js';
import type { ControlState } from './control-routes.js';
import { errorForStatus, telnyxErrors } from './errors.js';
import { takeFault } from './faults.js';
import { parseJsonBody, readBody, sendJson } from './http-util.js';
import { requestedNumbers, sellToSomeoneElse } from './orders.js';
import { handleV2 } from './v2-routes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rateLimitHeaders = { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99', 'x-ratelimit-reset': '1' };

/** One authenticated `/v2` call: latency, auth, the account-on-hold switch, the first matching fault, then the route. */
export async function handleV2Request(
  ctx: SandboxContext,
  control: ControlState,
  hungSockets: Set<Socket>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? 'GET';
  const seen = { method, path: url.pathname, query: url.search, status: null as number | null, at: new Date().toISOString() };
  control.requests.push(seen);
  if (control.requests.length > 1000) control.requests.shift();
  res.on('finish', () => (seen.status = res.statusCode));
  const rawBody = await readBody(req);
  if (ctx.state.config.latency_ms > 0) await sleep(ctx.state.config.latency_ms);
  const auth = req.headers.authorization ?? '';
  if (!/^Bearer\s+\S+/.test(auth)) throw telnyxErrors.unauthenticated();
  if (ctx.state.config.account_on_hold) throw telnyxErrors.forbidden('You do not have permission to perform the requested action: the account is on hold.');
  const fault = takeFault(control.faults, method, url.pathname);
  const action = fault?.action;
  if (action?.type === 'hang') {
    hungSockets.add(req.socket);
    return;
  }
  if (action?.type === 'delay') await sleep(action.ms);
  if (action?.type === 'error') {
    const error = errorForStatus(action.status, action.code);
    Object.assign(error.headers, action.headers);
    throw error;
  }
  if (action?.type === 'taken' && method === 'POST' && url.pathname === '/v2/number_orders') {
    const phoneNumbers = requestedNumbers(parseJsonBody(rawBody));
    sellToSomeoneElse(ctx, phoneNumbers);
    throw telnyxErrors.unavailable('/phone_numbers/0/phone_number', phoneNumbers[0]!);
  }
  const request = { method, path: url.pathname, query: url.searchParams, rawBody };
  if (action?.type === 'commit_then_error') {
    try {
      handleV2(ctx, request);
    } catch {
      // the operation's own answer is dropped either way: the client sees only the error
    }
    throw errorForStatus(action.status ?? 500, action.code);
  }
  const answer = handleV2(ctx, request);
  sendJson(res, answer.status, answer.body, { ...rateLimitHeaders, 'x-request-id': randomUUID() });
}
