import type { Response } from 'express';
import { rateLimit, type RateLimitInfo, type Store } from 'express-rate-limit';
import { ApiError } from '../errors/api-error.js';
import { sendApiError } from '../errors/render-error.js';

const windowMs = 60_000;

/**
 * Per API key, `limitPerMinute` requests a minute; then 429 `rate_limited`. Runs after `requireApiKey`
 * and counts by the key's id (`res.locals.apiKeyId`), so only keys that authenticated have a budget:
 * made-up keys are `authFailureLimit`'s. The store is a MemoryStore of this process unless one is given
 * (any express-rate-limit store, e.g. rate-limit-redis, to count across processes).
 */
export function perKeyRateLimit(limitPerMinute: number, store?: Store) {
  return rateLimit({
    windowMs,
    limit: limitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(store ? { store } : {}),
    keyGenerator: (_req, res) => `key:${apiKeyIdOf(res)}`,
    handler: (req, res) => {
      const info = (req as typeof req & { rateLimit?: RateLimitInfo }).rateLimit;
      const resetTime = info?.resetTime?.getTime() ?? Date.now() + windowMs;
      const retryAfterSeconds = Math.max(1, Math.ceil((resetTime - Date.now()) / 1000));
      sendApiError(res, new ApiError('rate_limited', undefined, { retryAfterSeconds }));
    },
  });
}

function apiKeyIdOf(res: Response): string {
  const apiKeyId: unknown = res.locals.apiKeyId;
  // Mounted before requireApiKey would be a wiring bug: fail loudly rather than share one budget.
  if (typeof apiKeyId !== 'string') throw new Error('perKeyRateLimit runs after requireApiKey');
  return apiKeyId;
}
