import type { RequestHandler, Response } from 'express';
import { MemoryStore, type Options, type Store } from 'express-rate-limit';
import { ApiError } from '../errors/api-error.js';
import { sendApiError } from '../errors/render-error.js';

const windowMs = 60_000;
const windowSeconds = windowMs / 1000;

/**
 * Per API key, `limitPerMinute` requests a minute; then 429 `rate_limited` with Retry-After. Runs after
 * `requireApiKey` and counts by the key's id (`res.locals.apiKeyId`), so only keys that authenticated
 * have a budget: made-up keys are `authFailureLimit`'s. Every answer carries the IETF draft-7 headers
 * `RateLimit-Policy: <limit>;w=60` and `RateLimit: limit=…, remaining=…, reset=<seconds>`.
 *
 * Counting is an express-rate-limit store's `increment` (a MemoryStore of this process unless one is
 * given, e.g. rate-limit-redis to count across processes); the middleware is this one, which does only
 * that per request (express-rate-limit's own also resolves the client address, runs its config
 * validations and awaits each of its option hooks on every request).
 */
export function perKeyRateLimit(limitPerMinute: number, store: Store = new MemoryStore()): RequestHandler {
  // A store reads the options express-rate-limit would give it; MemoryStore only windowMs.
  void store.init?.({ windowMs, limit: limitPerMinute } as Options);
  const policy = `${limitPerMinute};w=${windowSeconds}`;
  return async (_req, res, next) => {
    const { totalHits, resetTime } = await store.increment(`key:${apiKeyIdOf(res)}`);
    const resetSeconds = resetTime ? Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : windowSeconds;
    if (!res.headersSent) {
      res.setHeader('RateLimit-Policy', policy);
      res.setHeader('RateLimit', `limit=${limitPerMinute}, remaining=${Math.max(limitPerMinute - totalHits, 0)}, reset=${resetSeconds}`);
    }
    if (totalHits > limitPerMinute) {
      sendApiError(res, new ApiError('rate_limited', undefined, { retryAfterSeconds: Math.max(1, resetSeconds) }));
      return;
    }
    next();
  };
}

function apiKeyIdOf(res: Response): string {
  const apiKeyId: unknown = res.locals.apiKeyId;
  // Mounted before requireApiKey would be a wiring bug: fail loudly rather than share one budget.
  if (typeof apiKeyId !== 'string') throw new Error('perKeyRateLimit runs after requireApiKey');
  return apiKeyId;
}
