import { describe, expect, test } from 'vitest';
import { cacheApiKeyLookup } from '../../../api/api-key-cache.js';

/** A lookup answering from a table the test changes (as a revocation changes the database), counting calls. */
function keyTable(initial: Record<string, string>) {
  const keys = new Map(Object.entries(initial));
  const calls: string[] = [];
  return {
    keys,
    calls,
    lookup: async (apiKey: string) => {
      calls.push(apiKey);
      return keys.get(apiKey) ?? null;
    },
  };
}

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('API key cache', () => {
  test('when a key is presented again within the TTL, then its organization comes from the cache', async () => {
    const table = keyTable({ ink_a: 'org-a' });
    const time = clock();
    const lookup = cacheApiKeyLookup(table.lookup, { ttlMs: 5_000, now: time.now });

    const first = await lookup('ink_a');
    time.advance(4_999);
    const second = await lookup('ink_a');

    expect([first, second]).toEqual(['org-a', 'org-a']);
    expect(table.calls).toEqual(['ink_a']);
  });

  test('when a key is revoked, then it stops authenticating once the TTL has passed', async () => {
    const table = keyTable({ ink_a: 'org-a' });
    const time = clock();
    const lookup = cacheApiKeyLookup(table.lookup, { ttlMs: 5_000, now: time.now });
    await lookup('ink_a');

    table.keys.delete('ink_a');
    time.advance(5_000);

    expect(await lookup('ink_a')).toBeNull();
    expect(table.calls).toEqual(['ink_a', 'ink_a']);
  });

  test('when a key is unknown, then it is not remembered and every attempt asks the database', async () => {
    const table = keyTable({});
    const lookup = cacheApiKeyLookup(table.lookup, { ttlMs: 5_000 });

    expect([await lookup('ink_x'), await lookup('ink_x')]).toEqual([null, null]);
    expect(table.calls).toEqual(['ink_x', 'ink_x']);
  });

  test('when the TTL is 0, then there is no cache', async () => {
    const table = keyTable({ ink_a: 'org-a' });
    const lookup = cacheApiKeyLookup(table.lookup, { ttlMs: 0 });

    await lookup('ink_a');
    await lookup('ink_a');

    expect(table.calls).toEqual(['ink_a', 'ink_a']);
  });

  test('when the cache is full, then the oldest key is forgotten first', async () => {
    const table = keyTable({ ink_a: 'org-a', ink_b: 'org-b', ink_c: 'org-c' });
    const lookup = cacheApiKeyLookup(table.lookup, { ttlMs: 5_000, maxEntries: 2 });

    for (const key of ['ink_a', 'ink_b', 'ink_c', 'ink_c', 'ink_b', 'ink_a']) await lookup(key);

    expect(table.calls).toEqual(['ink_a', 'ink_b', 'ink_c', 'ink_a']);
  });
});
