/** One entry of Telnyx's error envelope `{"errors": [...]}`. */
export interface TelnyxErrorItem {
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string };
}

/** Thrown by sandbox handlers; the server renders it as Telnyx's error envelope. */
export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: TelnyxErrorItem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors[0]?.detail ?? `HTTP ${status}`);
  }
}

export const telnyxErrors = {
  unauthenticated: () =>
    new SandboxHttpError(401, [
      { code: '10009', title: 'Authentication failed', detail: 'Could not understand the provided credentials.' },
    ]),
  /**
   * 403 with 10010 "Authorization failed", the code Telnyx's error list gives for "no permission". The list
   * has no code of its own for an account on hold, so the hold switch answers this one.
   */
  forbidden: (detail = 'You do not have permission to perform the requested action on the specified resource or resources.') =>
    new SandboxHttpError(403, [{ code: '10010', title: 'Authorization failed', detail }]),
  /** The docs do not say what deleting a `purchase-pending` number answers; the sandbox refuses it (stricter). */
  purchasePending: (phoneNumber: string) =>
    new SandboxHttpError(422, [
      { code: '10015', title: 'Bad Request', detail: `${phoneNumber} is purchase-pending and cannot be deleted until its order completes.`, source: { pointer: '/id' } },
    ]),
  /** Cancel is documented for sub number orders "in 'pending' status" only; anything else is refused. */
  notCancellable: (status: string) =>
    new SandboxHttpError(422, [
      { code: '10015', title: 'Bad Request', detail: `Only a sub number order in 'pending' status can be cancelled; this one is '${status}'.`, source: { pointer: '/status' } },
    ]),
  notFound: (what: string) =>
    new SandboxHttpError(404, [
      { code: '10005', title: 'Resource not found', detail: `The requested ${what} could not be found.` },
    ]),
  missing: (pointer: string) =>
    new SandboxHttpError(422, [
      { code: '10004', title: 'Missing required parameter', detail: `The '${pointer}' parameter is required.`, source: { pointer } },
    ]),
  invalid: (pointer: string, detail: string) =>
    new SandboxHttpError(422, [{ code: '10015', title: 'Invalid value', detail, source: { pointer } }]),
  notE164: (pointer: string) =>
    new SandboxHttpError(422, [
      { code: '10016', title: 'Invalid phone number', detail: 'Phone number must be in +E.164 format.', source: { pointer } },
    ]),
  unavailable: (pointer: string, phoneNumber: string) =>
    new SandboxHttpError(422, [
      { code: '10015', title: 'Number not available', detail: `${phoneNumber} is not available for purchase.`, source: { pointer } },
    ]),
  /**
   * Telnyx's rate-limiting page documents the 10011 body and the x-ratelimit-* headers, not `Retry-After`,
   * so the sandbox leaves it out (a fault can still add it through `action.headers`).
   */
  rateLimited: (resetSeconds: number) =>
    new SandboxHttpError(
      429,
      [{ code: '10011', title: 'Too many requests', detail: 'You have exceeded the maximum number of allowed requests.' }],
      { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetSeconds) },
    ),
  unexpected: (status = 500) =>
    new SandboxHttpError(status, [
      { code: '10007', title: 'Unexpected error', detail: 'An unexpected error occurred.' },
    ]),
};

/** An error answer for a fault of type `error`, with the code Telnyx uses for that status. */
export function errorForStatus(status: number, code?: string): SandboxHttpError {
  const error =
    status === 401 ? telnyxErrors.unauthenticated()
    : status === 403 ? telnyxErrors.forbidden()
    : status === 404 ? telnyxErrors.notFound('resource')
    : status === 429 ? telnyxErrors.rateLimited(1)
    : status === 422 ? telnyxErrors.invalid('/', 'Invalid request.')
    : status >= 500 ? telnyxErrors.unexpected(status)
    : new SandboxHttpError(status, [{ code: '10015', title: 'Bad request', detail: 'The request failed.' }]);
  if (code) error.errors[0]!.code = code;
  return error;
}
