import type { Request } from 'express';
import { ipKeyGenerator, MemoryStore, type Options, type Store } from 'express-rate-limit';
import { ApiError } from '../errors/api-error.js';

const windowMs = 60_000;

/** An express-rate-limit store that can also read a count (MemoryStore does; so do its Redis and Memcached stores). */
export type ReadableRateLimitStore = Store & Required<Pick<Store, 'get'>>;

/** Failed authentications counted per client address; see `authFailureLimit`. */
export interface AuthFailureLimit {
  /** Throws 429 `rate_limited` (with Retry-After) when this request's address has used up its failures. */
  refuseIfExhausted: (req: Request) => Promise<void>;
  /** Counts one failed authentication against this request's address. */
  recordFailure: (req: Request) => Promise<void>;
}

/**
 * Allows each client address `limitPerMinute` failed authentications a minute; past that, a request from
 * it that still needs a key lookup gets 429 before any lookup, so a stream of made-up keys cannot turn
 * into a stream of database queries. Successful authentications do not count. The address is `req.ip`:
 * the socket's address, since the app does not trust proxy headers (`trust proxy` false); IPv6
 * addresses count per /56 (`ipKeyGenerator`), as one client can hold a whole prefix.
 *
 * The store is express-rate-limit's: a MemoryStore of this process by default, so each API process counts
 * on its own; give a shared store (e.g. rate-limit-redis) to count across processes.
 */
export function authFailureLimit(limitPerMinute: number, store: ReadableRateLimitStore = new MemoryStore()): AuthFailureLimit {
  // MemoryStore reads only windowMs; a shared store may read more, so it gets the options it would get from rateLimit.
  void store.init?.({ windowMs, limit: limitPerMinute } as Options);
  const keyOf = (req: Request) => `auth-failure:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? '')}`;
  return {
    refuseIfExhausted: async (req) => {
      const info = await store.get(keyOf(req));
      if (!info || info.totalHits < limitPerMinute) return;
      const resetTime = info.resetTime?.getTime() ?? Date.now() + windowMs;
      const retryAfterSeconds = Math.max(1, Math.ceil((resetTime - Date.now()) / 1000));
      throw new ApiError('rate_limited', 'Too many failed authentications from this address; retry later', { retryAfterSeconds });
    },
    recordFailure: async (req) => {
      await store.increment(keyOf(req));
    },
  };
}
