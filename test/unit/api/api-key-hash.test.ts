import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { hashApiKey } from '../../../db/repositories/api-keys.js';

describe('API key hash', () => {
  test('when a key is hashed, then it is the SHA-256 hex digest that api_keys.key_hash has always stored', () => {
    const apiKey = 'ink_0123456789abcdefghijklmnopqrstuvwxyzABCD';

    expect(hashApiKey(apiKey)).toBe(createHash('sha256').update(apiKey).digest('hex'));
    expect(hashApiKey('ink_é')).toBe(createHash('sha256').update('ink_é', 'utf8').digest('hex'));
  });
});
