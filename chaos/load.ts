import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createApiKey } from '../db/repositories/api-keys.js';
import type { Database } from '../db/schema.js';
import { createApiClient, type ApiAnswer, type ApiCall, type RequestRecord } from './api-client.js';
import type { Profile } from './profiles.js';
import type { Random } from './random.js';

export interface LoadOrganization {
  id: string;
  handles: string[];
  call: ApiCall;
}

/** Two answers to one Idempotency-Key sent at the same time. */
export interface DuplicatePair {
  key: string;
  answers: { status: number | null; id: string | null; error: string | null }[];
}

/** How the load labels its provisioning requests; `async` ones asked `Prefer: respond-async`, so 202 is their success. */
export const provisionEndpoints = { sync: 'POST /numbers', async: 'POST /numbers async' } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const numbersPath = '/api/v1/phone/numbers';

/** Organizations with identities and a key each, written straight to the database before the faults start. */
export async function createOrganizations(db: Kysely<Database>, apiUrl: string, profile: Profile, records: RequestRecord[]): Promise<LoadOrganization[]> {
  const organizations: LoadOrganization[] = [];
  for (let i = 0; i < profile.organizations; i += 1) {
    const organization = await db.insertInto('organizations').values({ name: `chaos-${i}-${randomUUID()}` }).returning('id').executeTakeFirstOrThrow();
    const handles = Array.from({ length: profile.identitiesPerOrganization }, (_, j) => `agent-${j}`);
    await db.insertInto('identities').values(handles.map((agent_handle) => ({ organization_id: organization.id, agent_handle }))).execute();
    const { apiKey } = await createApiKey(db, organization.id);
    organizations.push({ id: organization.id, handles, call: createApiClient(apiUrl, apiKey, records) });
  }
  return organizations;
}

const idOf = (answer: ApiAnswer): string | null => (answer.status === 201 || answer.status === 202 ? (answer.body?.id ?? null) : null);

/**
 * One identity's client: provision (keyed; sometimes async, sometimes sent twice at once), hold,
 * release, as a careful client would, retrying a 503 with the same key. Stops at `until`.
 */
async function runIdentity(org: LoadOrganization, handle: string, random: Random, until: number, duplicates: DuplicatePair[]): Promise<void> {
  let numberId: string | null = null;
  const retrying = async (send: () => Promise<ApiAnswer>) => {
    let answer = await send();
    for (let attempt = 0; attempt < 4 && answer.status === 503 && Date.now() < until + 30_000; attempt += 1) {
      await sleep(random.int(500, 2_000));
      answer = await send();
    }
    return answer;
  };

  while (Date.now() < until) {
    if (numberId === null) {
      const key = randomUUID();
      const respondAsync = random.chance(0.3);
      const body = random.chance(0.15) ? { agent_handle: handle, type: 'local', state: 'NY' } : { agent_handle: handle };
      const headers: Record<string, string> = { 'idempotency-key': key, ...(respondAsync ? { prefer: 'respond-async' } : {}) };
      const send = () => org.call('POST', numbersPath, respondAsync ? provisionEndpoints.async : provisionEndpoints.sync, { body, headers });
      let answer: ApiAnswer;
      if (random.chance(0.1)) {
        const pair = await Promise.all([retrying(send), retrying(send)]);
        duplicates.push({ key, answers: pair.map((each) => ({ status: each.status, id: idOf(each), error: each.body?.error ?? null })) });
        answer = pair[0];
      } else {
        answer = await retrying(send);
      }
      numberId = idOf(answer);
      if (answer.status === 409 && answer.body?.error === 'identity_has_number') numberId = await findOwnNumber(org, handle);
      if (answer.status === 202 && numberId) numberId = await awaitSettled(org, numberId, until);
      // Refused (limit, carrier failure, no stock): back off as a client would before asking again.
      if (numberId === null) await sleep(random.int(500, 3_000));
    } else {
      await sleep(random.int(200, 3_000));
      if (random.chance(0.3)) await org.call('GET', `${numbersPath}/${numberId}`, 'GET /numbers/{id}');
      if (random.chance(0.2)) await org.call('GET', numbersPath, 'GET /numbers');
      const answer = await retrying(() => org.call('DELETE', `${numbersPath}/${numberId}`, 'DELETE /numbers/{id}'));
      if (answer.status === 204 || answer.status === 404) numberId = null;
    }
    await sleep(random.int(50, 1_000));
  }
}

/** The id of this identity's live number, as the list shows it (after a 409 identity_has_number). */
async function findOwnNumber(org: LoadOrganization, handle: string): Promise<string | null> {
  const list = await org.call('GET', `/api/v1/identities/${handle}`, 'GET /identities/{handle}');
  return list.status === 200 ? (list.body?.phone_number?.id ?? null) : null;
}

/** Polls a 202'd number until it leaves provisioning: its id while active, null once failed. */
async function awaitSettled(org: LoadOrganization, numberId: string, until: number): Promise<string | null> {
  while (Date.now() < until + 60_000) {
    await sleep(2_000);
    const answer = await org.call('GET', `${numbersPath}/${numberId}`, 'GET /numbers/{id}');
    const status = answer.body?.status;
    if (answer.status === 200 && status !== 'provisioning') return status === 'failed' ? null : numberId;
  }
  return numberId;
}

/** Every identity of every organization runs its client until `durationMs` has passed. */
export async function runLoad(organizations: LoadOrganization[], random: Random, durationMs: number): Promise<DuplicatePair[]> {
  const until = Date.now() + durationMs;
  const duplicates: DuplicatePair[] = [];
  const clients = organizations.flatMap((org) => org.handles.map((handle) => runIdentity(org, handle, random, until, duplicates)));
  await Promise.all(clients);
  return duplicates;
}
