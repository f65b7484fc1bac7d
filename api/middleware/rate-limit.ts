import { ipKeyGenerator, rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { hashApiKey } from '../../db/repositories/api-keys.js';
import { presentedApiKey } from '../auth.js';
import { ApiError } from '../errors/api-error.js';
import { sendApiError } from '../errors/render-error.js';

const windowMs = 60_000;

/** Per API key (per client address without one), `limitPerMinute` requests a minute; then 429 `rate_limited`. */
export function perKeyRateLimit(limitPerMinute: number) {
  return rateLimit({
    windowMs,
    limit: limitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const apiKey = presentedApiKey(req.headers);
      return apiKey ? `key:${hashApiKey(apiKey)}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
    },
    handler: (req, res) => {
      const info = (req as typeof req & { rateLimit?: RateLimitInfo }).rateLimit;
      const resetTime = info?.resetTime?.getTime() ?? Date.now() + windowMs;
      const retryAfterSeconds = Math.max(1, Math.ceil((resetTime - Date.now()) / 1000));
      sendApiError(res, new ApiError('rate_limited', undefined, { retryAfterSeconds }));
    },
  });
}
