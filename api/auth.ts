import type { RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import { findOrganizationIdByApiKey } from '../db/repositories/api-keys.js';
import type { Database } from '../db/schema.js';
import { cacheApiKeyLookup } from './api-key-cache.js';
import { ApiError } from './errors/api-error.js';

/** The key a request presents: `X-API-Key`, or `Authorization: Bearer <key>`. */
export function presentedApiKey(headers: { 'x-api-key'?: string | string[] | undefined; authorization?: string | undefined }): string | undefined {
  const header = headers['x-api-key'];
  const apiKey = (Array.isArray(header) ? header[0] : header)?.trim();
  if (apiKey) return apiKey;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return bearer?.[1];
}

/**
 * Resolves the key to its organization, kept in `res.locals.organizationId`; 401 otherwise. With
 * `cacheTtlMs` > 0 an answer is reused for that long, so a revoked key stops within `cacheTtlMs`.
 */
export function requireApiKey(db: Kysely<Database>, options: { cacheTtlMs?: number } = {}): RequestHandler {
  const lookup = cacheApiKeyLookup((apiKey) => findOrganizationIdByApiKey(db, apiKey), { ttlMs: options.cacheTtlMs ?? 0 });
  return async (req, res, next) => {
    const apiKey = presentedApiKey(req.headers);
    const organizationId = apiKey ? await lookup(apiKey) : null;
    if (!organizationId) throw new ApiError('unauthorized');
    res.locals.organizationId = organizationId;
    next();
  };
}

/** The organization `requireApiKey` authenticated. */
export function organizationOf(res: Response): string {
  const organizationId: unknown = res.locals.organizationId;
  if (typeof organizationId !== 'string') throw new ApiError('unauthorized');
  return organizationId;
}
