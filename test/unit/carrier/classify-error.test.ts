import {
  APIConnectionTimeoutError,
  AuthenticationError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  UnprocessableEntityError,
} from 'telnyx';
import { describe, expect, it } from 'vitest';
import { classifyCarrierError, isRefusedCancel, retryAfterMs } from '../../../carrier/classify-error.js';
import { CarrierError } from '../../../carrier/errors.js';
import { carrierErrorTypes } from '../../../domain/carrier-failures.js';

const envelope = (code: string, pointer?: string, detail = 'x') => ({ errors: [{ code, title: 't', detail, ...(pointer ? { source: { pointer } } : {}) }] });

describe('retryAfterMs', () => {
  it('when Retry-After is an HTTP date, then the delay is the time until it', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');

    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).toBe(5_000);
  });

  it('when retry-after-ms is present, then it wins over the other headers', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
  });

  it('when no header says anything, then there is no delay hint', () => {
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});

describe('isRefusedCancel', () => {
  it('when a cancel is answered 422 or 404, then it is refused; a 401 or 503 is not', () => {
    expect(isRefusedCancel(new UnprocessableEntityError(422, envelope('10015'), undefined, new Headers()))).toBe(true);
    expect(isRefusedCancel(new NotFoundError(404, envelope('10005'), undefined, new Headers()))).toBe(true);
    expect(isRefusedCancel(new AuthenticationError(401, envelope('10009'), undefined, new Headers()))).toBe(false);
    expect(isRefusedCancel(new InternalServerError(503, envelope('10007'), undefined, new Headers()))).toBe(false);
  });
});

describe('classifyCarrierError', () => {
  it('when a 422 on order create points at the ordered number, then it is carrier_number_taken', () => {
    const error = new UnprocessableEntityError(422, envelope('10015', '/phone_numbers/0/phone_number'), undefined, new Headers());

    expect(classifyCarrierError(error, 'order create', true).type).toBe(carrierErrorTypes.numberTaken);
    expect(classifyCarrierError(error, 'number update').type).toBe(carrierErrorTypes.invalidRequest);
  });

  it('when a 422 on order create is an E.164 format error, then it stays an invalid request', () => {
    const error = new UnprocessableEntityError(422, envelope('10016', '/phone_numbers/0/phone_number'), undefined, new Headers());

    expect(classifyCarrierError(error, 'order create', true).type).toBe(carrierErrorTypes.invalidRequest);
  });

  it('when order create answers 409, then the number counts as taken', () => {
    const error = new ConflictError(409, envelope('10015'), undefined, new Headers());

    expect(classifyCarrierError(error, 'order create', true).type).toBe(carrierErrorTypes.numberTaken);
  });

  it('when the request timed out, then the error is retryable', () => {
    const classified = classifyCarrierError(new APIConnectionTimeoutError(), 'order create', true);

    expect(classified).toMatchObject({ type: carrierErrorTypes.unavailable, retryable: true });
  });

  it('when a 429 comes without headers, then it is rate limited with no delay hint', () => {
    const classified = classifyCarrierError(new RateLimitError(429, envelope('10011'), undefined, new Headers()), 'search');

    expect(classified).toMatchObject({ type: carrierErrorTypes.rateLimited, retryable: true, details: { retryAfterMs: undefined } });
  });

  it('when the error is already a CarrierError, then it passes through unchanged', () => {
    const original = new CarrierError(carrierErrorTypes.noInventory, 'none');

    expect(classifyCarrierError(original, 'search')).toBe(original);
  });

  it('when something outside the SDK API layer is thrown, then it is retryable carrier_unavailable (the call may have reached Telnyx)', () => {
    expect(classifyCarrierError(new SyntaxError('Unexpected token < in JSON'), 'number release')).toMatchObject({
      type: carrierErrorTypes.unavailable,
      retryable: true,
    });
  });
});
