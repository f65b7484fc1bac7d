import type { ServerResponse } from 'node:http';

/** One item of Telnyx's error envelope (`{"errors": [...]}`). */
export interface TelnyxErrorItem {
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string };
}

/** Thrown by a route to answer with Telnyx's error envelope. */
export class TelnyxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly item: TelnyxErrorItem,
  ) {
    super(`${status} ${item.code} ${item.title}`);
  }
}

/** Codes from Telnyx's published error list ("API Error Messages"). */
export const errors = {
  unauthorized: () =>
    new TelnyxHttpError(401, {
      code: '10009',
      title: 'Authentication failed',
      detail: 'The required authentication headers were either invalid or not included in the request.',
    }),
  notFound: (what: string) => new TelnyxHttpError(404, { code: '10005', title: 'Resource not found', detail: `${what} could not be found.` }),
  missingParameter: (pointer: string) =>
    new TelnyxHttpError(422, { code: '10004', title: 'Missing required parameter', detail: 'A required parameter was missing.', source: { pointer } }),
  notE164: (pointer: string) =>
    new TelnyxHttpError(422, {
      code: '10016',
      title: 'Phone number must be in +E.164 format',
      detail: 'The specified phone number parameter must be in +E.164 format.',
      source: { pointer },
    }),
  badRequest: (detail: string, source?: TelnyxErrorItem['source']) =>
    new TelnyxHttpError(400, { code: '10015', title: 'Bad Request', detail, ...(source ? { source } : {}) }),
  unprocessable: (detail: string, source?: TelnyxErrorItem['source']) =>
    new TelnyxHttpError(422, { code: '10015', title: 'Bad Request', detail, ...(source ? { source } : {}) }),
  missingAssociation: (pointer: string) =>
    new TelnyxHttpError(422, { code: '10013', title: 'Missing association', detail: 'One of the associated fields does not exist.', source: { pointer } }),
} as const;

/** Writes a JSON body with the status. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Writes Telnyx's error envelope. */
export function sendError(response: ServerResponse, error: TelnyxHttpError): void {
  sendJson(response, error.status, { errors: [error.item] });
}
