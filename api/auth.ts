import type { RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import { findApiKeyByHash, hashApiKey } from '../db/repositories/api-keys.js';
import type { Database } from '../db/schema.js';
import { createApiKeyCache } from './api-key-cache.js';
import { ApiError } from './errors/api-error.js';
import type { AuthFailureLimit } from './middleware/auth-failure-limit.js';

/** What a key authenticates: the key's own id (its rate-limit budget) and its organization. */
export interface AuthenticatedKey {
  keyId: string;
  organizationId: string;
}

/** The key a request presents: `X-API-Key`, or `Authorization: Bearer <key>`. */
export function presentedApiKey(headers: { 'x-api-key'?: string | string[] | undefined; authorization?: string | undefined }): string | undefined {
  const header = headers['x-api-key'];
  const apiKey = (Array.isArray(header) ? header[0] : header)?.trim();
  if (apiKey) return apiKey;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return bearer?.[1];
}

export interface RequireApiKeyOptions {
  /** How long a key's answer is reused (0: every request asks the database). */
  cacheTtlMs?: number;
  /** Refuses, before any lookup, addresses that failed to authenticate too often; counts the failures. */
  failureLimit?: AuthFailureLimit;
}

/**
 * Resolves the key to its id and organization, kept in `res.locals.apiKeyId` / `.organizationId`; 401
 * otherwise. With `cacheTtlMs` > 0 an answer is reused for that long, so a revoked key stops within
 * `cacheTtlMs`. A key answered from the cache needs no lookup, so it passes even an address that
 * `failureLimit` refuses: only requests that would reach the database are refused there.
 */
export function requireApiKey(db: Kysely<Database>, options: RequireApiKeyOptions = {}): RequestHandler {
  const cache = createApiKeyCache<AuthenticatedKey>((keyHash) => findApiKeyByHash(db, keyHash), { ttlMs: options.cacheTtlMs ?? 0 });
  const { failureLimit } = options;
  return async (req, res, next) => {
    const apiKey = presentedApiKey(req.headers);
    // Hashed once here; the cache and the database lookup both go by the hash.
    const keyHash = apiKey ? hashApiKey(apiKey) : undefined;
    let key = keyHash ? cache.peek(keyHash) : undefined;
    if (!key) {
      await failureLimit?.refuseIfExhausted(req);
      key = (keyHash ? await cache.lookup(keyHash) : null) ?? undefined;
      if (!key) {
        await failureLimit?.recordFailure(req);
        throw new ApiError('unauthorized');
      }
    }
    res.locals.apiKeyId = key.keyId;
    res.locals.organizationId = key.organizationId;
    next();
  };
}

/** The organization `requireApiKey` authenticated. */
export function organizationOf(res: Response): string {
  const organizationId: unknown = res.locals.organizationId;
  if (typeof organizationId !== 'string') throw new ApiError('unauthorized');
  return organizationId;
}
