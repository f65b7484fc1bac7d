/**
 * Resolves a presented key, given as its SHA-256 (`hashApiKey`), to what it authenticates (`T`), or null
 * when it authenticates nothing. The caller hashes each presented key once and passes the hash around.
 */
export type ApiKeyLookup<T = string> = (keyHash: string) => Promise<T | null>;

export interface ApiKeyCacheOptions {
  /** How long a key's answer is remembered; 0 turns the cache off. */
  ttlMs: number;
  /** Keys remembered at most; the oldest entry goes first. */
  maxEntries?: number;
  now?: () => number;
}

/** A lookup with a cache in front, and a way to ask the cache alone; both by key hash. */
export interface ApiKeyCache<T> {
  /** The cached answer, else the lookup's (cached if the key authenticated). */
  lookup: ApiKeyLookup<T>;
  /** The cached answer for a key that authenticated within the TTL, without any lookup; else undefined. */
  peek: (keyHash: string) => T | undefined;
}

/**
 * Remembers what a key authenticates for `ttlMs`, so most requests skip the database.
 * Only keys that authenticated are remembered (a stream of bad keys cannot fill it), under their
 * SHA-256 as the caller hashed it, never the key itself. A key revoked elsewhere keeps working here
 * for at most `ttlMs`.
 */
export function createApiKeyCache<T>(lookup: ApiKeyLookup<T>, options: ApiKeyCacheOptions): ApiKeyCache<T> {
  if (options.ttlMs <= 0) return { lookup, peek: () => undefined };
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: T; expiresAt: number }>();
  const peek = (keyHash: string) => {
    const cached = entries.get(keyHash);
    if (cached === undefined) return undefined;
    if (cached.expiresAt > now()) return cached.value;
    entries.delete(keyHash);
    return undefined;
  };
  return {
    peek,
    lookup: async (keyHash) => {
      const cached = peek(keyHash);
      if (cached !== undefined) return cached;
      const value = await lookup(keyHash);
      if (value !== null) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(keyHash, { value, expiresAt: now() + options.ttlMs });
      }
      return value;
    },
  };
}

/** `createApiKeyCache(lookup, options).lookup`: the cached lookup alone. */
export function cacheApiKeyLookup<T>(lookup: ApiKeyLookup<T>, options: ApiKeyCacheOptions): ApiKeyLookup<T> {
  return createApiKeyCache(lookup, options).lookup;
}
