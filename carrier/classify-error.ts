import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from 'telnyx';
import { carrierErrorTypes } from '../domain/carrier-failures.js';
import { CarrierError } from './errors.js';

interface TelnyxErrorItem {
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string };
}

function firstError(error: APIError): TelnyxErrorItem {
  const body = error.error as { errors?: TelnyxErrorItem[] } | undefined;
  return body?.errors?.[0] ?? {};
}

/** Milliseconds to wait from `retry-after-ms`, `Retry-After` (seconds or HTTP date) or `x-ratelimit-reset` (seconds). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const retryAfter = headers?.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers?.get('x-ratelimit-reset') ?? NaN);
  return Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
}

/** Telnyx's answer when an ordered number is not (or no longer) for sale; the exact code is unverified. */
function isNumberUnavailable(error: APIError): boolean {
  if (error instanceof ConflictError) return true;
  const item = firstError(error);
  const aboutOrderedNumber = /^\/phone_numbers\/\d+\/phone_number$/.test(item.source?.pointer ?? '');
  const formatProblem = item.code === '10016' || item.code === '10004' || item.code === '10002';
  const saysUnavailable = /not available|no longer available|unavailable|already (been )?(sold|purchased|ordered|reserved)/i.test(
    `${item.title ?? ''} ${item.detail ?? ''}`,
  );
  return saysUnavailable || (aboutOrderedNumber && !formatProblem);
}

/**
 * A sub-order cancel the carrier turned down: Telnyx cancels only sub-orders "in 'pending' status" and
 * does not document the answer for the others, so any 400/404/409/422 reads as "no longer pending".
 * The caller re-reads the order either way.
 */
export function isRefusedCancel(error: unknown): boolean {
  return (
    error instanceof BadRequestError ||
    error instanceof NotFoundError ||
    error instanceof ConflictError ||
    error instanceof UnprocessableEntityError
  );
}

/**
 * Turns anything the SDK throws into one `CarrierError`, once, at the boundary.
 * `ordering` marks `numberOrders.create`, where a rejected number means it was taken.
 */
export function classifyCarrierError(error: unknown, operation: string, ordering = false): CarrierError {
  if (error instanceof CarrierError) return error;
  const at = `Telnyx ${operation}`;
  if (error instanceof APIConnectionError) {
    return new CarrierError(carrierErrorTypes.unavailable, `${at}: ${error.message}`);
  }
  if (!(error instanceof APIError)) {
    // Outside the SDK's API layer: a body that is not JSON (a proxy's error page), a stream cut short. The
    // call may or may not have reached Telnyx, so it is retried like an outage: permanent would stop a
    // release for good and leave an order create unreconciled. The activity's retry policy bounds it.
    return new CarrierError(carrierErrorTypes.unavailable, `${at}: unexpected ${error instanceof Error ? error.message : String(error)}`);
  }
  const item = firstError(error);
  const details = { status: error.status, code: item.code };
  const message = `${at} answered ${error.status ?? 'no status'}${item.code ? ` (${item.code})` : ''}: ${item.detail ?? item.title ?? error.message}`;
  if (error instanceof RateLimitError) {
    return new CarrierError(carrierErrorTypes.rateLimited, message, { ...details, retryAfterMs: retryAfterMs(error.headers) });
  }
  if (error instanceof InternalServerError || error.status === undefined || error.status === 408) {
    return new CarrierError(carrierErrorTypes.unavailable, message, details);
  }
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return new CarrierError(carrierErrorTypes.authentication, message, details);
  }
  if (ordering && isNumberUnavailable(error)) return new CarrierError(carrierErrorTypes.numberTaken, message, details);
  if (error instanceof NotFoundError) return new CarrierError(carrierErrorTypes.notFound, message, details);
  return new CarrierError(carrierErrorTypes.invalidRequest, message, details);
}
