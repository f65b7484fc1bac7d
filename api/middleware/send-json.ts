import type { Response } from 'express';

/**
 * Answers `value` as JSON with exactly the headers express's `res.json` gives it here
 * (`Content-Type: application/json; charset=utf-8`, `Content-Length`), for the hot read routes: without
 * `res.json`'s settings lookups and content-type parsing on every call. There is no 304 to decide: ETag
 * is off in this app (`create-app.ts`) and the contract has no conditional requests. A HEAD request gets
 * the headers alone (node's http drops the body).
 */
export function sendJson(res: Response, value: object): void {
  const body = JSON.stringify(value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
