/** The one table from an `error` code to its HTTP status and the sentence shown when none is given. */
export const errorTable = {
  invalid_json: { status: 400, detail: 'Request body is not valid JSON' },
  unauthorized: { status: 401, detail: 'Missing or invalid API key' },
  forbidden: { status: 403, detail: 'Number does not belong to your organization' },
  not_found: { status: 404, detail: 'Not found' },
  identity_not_found: { status: 404, detail: 'No agent identity with this handle in your organization' },
  no_numbers_available: { status: 404, detail: 'No available numbers matching the criteria' },
  identity_has_number: { status: 409, detail: 'This agent identity already has a phone number' },
  identity_exists: { status: 409, detail: 'An agent identity with this handle already exists' },
  idempotency_key_reused: { status: 409, detail: 'This Idempotency-Key was already used with a different request body' },
  number_released: { status: 409, detail: 'This phone number has been released and can no longer be changed' },
  call_ended: { status: 409, detail: 'This call has already ended' },
  payload_too_large: { status: 413, detail: 'Request body is larger than 16 KiB' },
  unsupported_media_type: { status: 415, detail: 'Request body must be JSON (Content-Type: application/json)' },
  validation_error: { status: 422, detail: 'Validation failed' },
  // Always raised with limitReachedMessage(limit), which names the limit; this is only the table's fallback.
  phone_number_limit_reached: { status: 429, detail: 'Phone number limit reached' },
  rate_limited: { status: 429, detail: 'Too many requests for this API key; retry later' },
  internal_error: { status: 500, detail: 'Internal server error' },
  carrier_provisioning_failed: { status: 502, detail: 'Telnyx provisioning failed' },
  unavailable: { status: 503, detail: 'Service temporarily unavailable; retry later' },
  // A configuration matter, not a passing outage: no Retry-After.
  signing_keys_unavailable: {
    status: 503,
    detail: 'Webhook signing keys are not available on this server: SIGNING_KEY_ENCRYPTION_KEY is not configured',
  },
} as const satisfies Record<string, { status: number; detail: string }>;

export type ErrorCode = keyof typeof errorTable;

export const errorCodes = Object.keys(errorTable) as ErrorCode[];

/** Seconds a client should wait before retrying a 503. */
export const unavailableRetryAfterSeconds = 5;
