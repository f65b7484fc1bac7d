import { hashApiKey } from '../db/repositories/api-keys.js';

export type ApiKeyLookup = (apiKey: string) => Promise<string | null>;

export interface ApiKeyCacheOptions {
  /** How long a key's organization is remembered; 0 turns the cache off. */
  ttlMs: number;
  /** Keys remembered at most; the oldest entry goes first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Remembers which organization a key belongs to for `ttlMs`, so most requests skip the database.
 * Only keys that authenticated are remembered (a stream of bad keys cannot fill it), under their
 * SHA-256, never the key itself. A key revoked elsewhere keeps working here for at most `ttlMs`.
 */
export function cacheApiKeyLookup(lookup: ApiKeyLookup, options: ApiKeyCacheOptions): ApiKeyLookup {
  if (options.ttlMs <= 0) return lookup;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { organizationId: string; expiresAt: number }>();
  return async (apiKey) => {
    const hash = hashApiKey(apiKey);
    const cached = entries.get(hash);
    if (cached && cached.expiresAt > now()) return cached.organizationId;
    entries.delete(hash);
    const organizationId = await lookup(apiKey);
    if (organizationId) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(hash, { organizationId, expiresAt: now() + options.ttlMs });
    }
    return organizationId;
  };
}
