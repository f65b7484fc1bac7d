import { randomBytes } from 'node:crypto';
import { MemoryStore } from 'express-rate-limit';
import { SelectQueryNode, type KyselyPlugin } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AppDeps } from '../../../api/create-app.js';
import { startApiServer, type ApiServer } from '../../../api/start-api-server.js';
import { createWebhookVerifier } from '../../../carrier/webhook-verifier.js';
import type { Config } from '../../../config/config.js';
import { createApiKey } from '../../../db/repositories/api-keys.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';

let h: ApiHarness;
const servers: ApiServer[] = [];

beforeAll(async () => {
  h = await startApiHarness({ worker: false });
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await h?.close();
});

/** Counts the queries that read `api_keys`: the key lookups that reach the database. */
function countingKeyLookups() {
  const counter = { lookups: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => {
      if (SelectQueryNode.is(node) && JSON.stringify(node.from).includes('"api_keys"')) counter.lookups += 1;
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { counter, db: h.db.withPlugin(plugin) };
}

/** A fresh API process (fresh limits) over the harness's database, with some config and deps changed. */
async function startApi(config: Partial<Config>, deps: Partial<AppDeps> = {}) {
  const server = await startApiServer(
    {
      config: { ...h.config, ...config },
      db: h.db,
      temporal: h.temporal,
      webhookVerifier: createWebhookVerifier(Buffer.alloc(32, 7).toString('base64')),
      logger: pino({ level: 'silent' }),
      ...deps,
    },
    0,
  );
  servers.push(server);
  return server;
}

const get = (server: ApiServer, apiKey?: string) => fetch(`${server.url}/numbers`, { headers: apiKey ? { 'x-api-key': apiKey } : {} });
const madeUpKey = () => `ink_${randomBytes(24).toString('base64url')}`;

describe('failed authentication is limited per client address, before any lookup', () => {
  test('when one address sends 200 requests with made-up keys, then past the limit they get 429 with Retry-After and no database lookup', async () => {
    const { counter, db } = countingKeyLookups();
    const server = await startApi({ AUTH_FAILURE_LIMIT_PER_MINUTE: 20 }, { db });

    const statuses: number[] = [];
    let lookupsAtLimit = 0;
    let limited: Response | undefined;
    for (let i = 0; i < 200; i += 1) {
      const response = await get(server, madeUpKey());
      statuses.push(response.status);
      if (i === 19) lookupsAtLimit = counter.lookups;
      if (response.status === 429) limited ??= response;
      else await response.body?.cancel();
    }

    expect(statuses.slice(0, 20)).toEqual(Array<number>(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array<number>(180).fill(429));
    expect(lookupsAtLimit).toBe(20);
    expect(counter.lookups).toBe(20);
    expect(await limited!.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('when requests carry no key at all, then they count as failures too', async () => {
    const server = await startApi({ AUTH_FAILURE_LIMIT_PER_MINUTE: 3 });

    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await get(server)).status);

    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  test('when a valid key authenticates many times, then its successes do not use up the address budget', async () => {
    const server = await startApi({ AUTH_FAILURE_LIMIT_PER_MINUTE: 3, API_KEY_CACHE_TTL_MS: 0 });
    const org = await h.newOrganization();

    const statuses: number[] = [];
    statuses.push((await get(server, madeUpKey())).status, (await get(server, madeUpKey())).status);
    for (let i = 0; i < 10; i += 1) statuses.push((await get(server, org.apiKey)).status);
    statuses.push((await get(server, madeUpKey())).status, (await get(server, org.apiKey)).status);

    expect(statuses).toEqual([401, 401, ...Array<number>(10).fill(200), 401, 429]);
  });

  test('when an address is limited, then a key this process already authenticated still works, and an unseen valid key gets 429 without a lookup', async () => {
    const { counter, db } = countingKeyLookups();
    const server = await startApi({ AUTH_FAILURE_LIMIT_PER_MINUTE: 3, API_KEY_CACHE_TTL_MS: 60_000 }, { db });
    const known = await h.newOrganization();
    const unseen = await h.newOrganization();

    expect((await get(server, known.apiKey)).status).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await get(server, madeUpKey())).status).toBe(401);
    const lookupsWhenLimited = counter.lookups;
    const knownAfter = await get(server, known.apiKey);
    const unseenAfter = await get(server, unseen.apiKey);

    expect(knownAfter.status).toBe(200);
    expect(unseenAfter.status).toBe(429);
    expect(counter.lookups).toBe(lookupsWhenLimited);
  });

  test('when two API processes share one failure store, then failures on one count on the other', async () => {
    const authFailures = new MemoryStore();
    const first = await startApi({ AUTH_FAILURE_LIMIT_PER_MINUTE: 3 }, { rateLimitStores: { authFailures } });
    const second = await startApi({ AUTH_FAILURE_LIMIT_PER_MINUTE: 3 }, { rateLimitStores: { authFailures } });
    const alone = await startApi({ AUTH_FAILURE_LIMIT_PER_MINUTE: 3 });

    for (let i = 0; i < 3; i += 1) expect((await get(first, madeUpKey())).status).toBe(401);

    expect((await get(second, madeUpKey())).status).toBe(429);
    expect((await get(alone, madeUpKey())).status).toBe(401);
  });
});

describe('the per-key limit applies after authentication, by key id', () => {
  test('when one key uses up its budget, then it gets 429 while a second key of the same organization has its own', async () => {
    const server = await startApi({ API_RATE_LIMIT_PER_MINUTE: 3 });
    const org = await h.newOrganization();
    const { apiKey: secondKey } = await createApiKey(h.db, org.organizationId);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await get(server, org.apiKey)).status);
    const limited = await get(server, org.apiKey);
    const second = await get(server, secondKey);

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(second.status).toBe(200);
  });

  test('when made-up keys are refused, then they use no key budget and do not limit a valid key', async () => {
    const server = await startApi({ API_RATE_LIMIT_PER_MINUTE: 3, AUTH_FAILURE_LIMIT_PER_MINUTE: 50 });
    const org = await h.newOrganization();

    for (let i = 0; i < 10; i += 1) expect((await get(server, madeUpKey())).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get(server, org.apiKey)).status);

    expect(statuses).toEqual([200, 200, 200]);
  });

  test('when the same key is sent as X-API-Key and as a Bearer token, then both draw on one budget', async () => {
    const server = await startApi({ API_RATE_LIMIT_PER_MINUTE: 2 });
    const org = await h.newOrganization();

    const viaHeader = await get(server, org.apiKey);
    const viaBearer = await fetch(`${server.url}/numbers`, { headers: { authorization: `Bearer ${org.apiKey}` } });
    const third = await get(server, org.apiKey);

    expect([viaHeader.status, viaBearer.status, third.status]).toEqual([200, 200, 429]);
  });
});
