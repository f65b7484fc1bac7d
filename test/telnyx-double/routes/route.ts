import type { DoubleState } from '../state.js';

/** What a route handler receives. */
export interface RouteContext {
  state: DoubleState;
  params: string[];
  query: URLSearchParams;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
}

/** A handler's answer: always JSON, as Telnyx's v2 API answers. */
export interface RouteResult {
  status: number;
  body: unknown;
}

export interface Route {
  method: string;
  /** Matched against the path after `/v2`; capture groups become `params`. */
  pattern: RegExp;
  handle(context: RouteContext): RouteResult;
}

/** A JSON object body, or an empty one (a PATCH without a body). */
export function objectBody(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
