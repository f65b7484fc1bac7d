import type { IncomingMessage, ServerResponse } from 'node:http';
import { SandboxHttpError, telnyxErrors } from './errors.js';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body as Telnyx does: empty = `{}`, malformed = 400 with code 10015. */
export function parseJsonBody(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the envelope below
  }
  throw new SandboxHttpError(400, [{ code: '10015', title: 'Bad Request', detail: 'The request body is not valid JSON.' }]);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: SandboxHttpError): void {
  sendJson(res, error.status, { errors: error.errors }, error.headers);
}

/** A positive integer query parameter, or the fallback; 422 with Telnyx's code when malformed. */
export function intParam(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw telnyxErrors.invalid(name, `${name} must be an integer between 1 and ${max}.`);
  }
  return value;
}

/** A boolean query parameter (`true`/`false`, as the SDK sends them), or null; 422 when it is anything else. */
export function booleanParam(query: URLSearchParams, name: string): boolean | null {
  const raw = query.get(name);
  if (raw === null) return null;
  if (raw !== 'true' && raw !== 'false') throw telnyxErrors.invalid(name, `${name} must be true or false.`);
  return raw === 'true';
}

/** Slices a list the way Telnyx pages it, with the `meta` the SDK's pager reads. */
export function paginate<T>(items: T[], query: URLSearchParams) {
  const pageSize = intParam(query, 'page[size]', 20, 250);
  const pageNumber = intParam(query, 'page[number]', 1, Number.MAX_SAFE_INTEGER);
  const data = items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  const meta = {
    page_number: pageNumber,
    page_size: pageSize,
    total_pages: Math.max(1, Math.ceil(items.length / pageSize)),
    total_results: items.length,
  };
  return { data, meta };
}
