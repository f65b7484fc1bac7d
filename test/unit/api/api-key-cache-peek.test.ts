import { describe, expect, test } from 'vitest';
import { createApiKeyCache } from '../../../api/api-key-cache.js';

/** A lookup over fixed keys that records every call (every call stands for a database query). */
function keyTable(keys: Record<string, string>) {
  const calls: string[] = [];
  return { calls, lookup: async (apiKey: string) => (calls.push(apiKey), keys[apiKey] ?? null) };
}

describe('API key cache peek', () => {
  test('when a key authenticated within the TTL, then peek answers it without a lookup; after the TTL, it does not', async () => {
    const table = keyTable({ ink_a: 'org-a' });
    let now = 1_000;
    const cache = createApiKeyCache(table.lookup, { ttlMs: 5_000, now: () => now });
    await cache.lookup('ink_a');

    const within = cache.peek('ink_a');
    now += 5_000;
    const after = cache.peek('ink_a');

    expect([within, after]).toEqual(['org-a', undefined]);
    expect(table.calls).toEqual(['ink_a']);
  });

  test('when a key never authenticated, or the cache is off, then peek answers undefined and looks nothing up', async () => {
    const table = keyTable({ ink_a: 'org-a' });
    const cached = createApiKeyCache(table.lookup, { ttlMs: 5_000 });
    const uncached = createApiKeyCache(table.lookup, { ttlMs: 0 });
    await cached.lookup('ink_x');
    await uncached.lookup('ink_a');

    expect([cached.peek('ink_x'), cached.peek('ink_a'), uncached.peek('ink_a')]).toEqual([undefined, undefined, undefined]);
    expect(table.calls).toEqual(['ink_x', 'ink_a']);
  });
});
