import { afterAll, beforeAll, expect, test } from 'vitest';
import { revokeApiKey } from '../../../db/repositories/api-keys.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { sleep } from '../../support/workflow-harness.js';

const ttlMs = 400;
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ config: { API_KEY_CACHE_TTL_MS: String(ttlMs) }, worker: false });
});
afterAll(async () => {
  await h?.close();
});

test('when a key that was just used is revoked, then the API refuses it once API_KEY_CACHE_TTL_MS has passed', async () => {
  const org = await h.newOrganization();
  const before = await org.call('GET', '/numbers');
  await revokeApiKey(h.db, org.apiKey.slice(0, 12));

  await sleep(ttlMs + 50);
  const after = await org.call('GET', '/numbers');

  expect(before.status).toBe(200);
  expect([after.status, after.body.error]).toEqual([401, 'unauthorized']);
});
