import type { Kysely } from 'kysely';
import { createApiKey } from '../db/repositories/api-keys.js';
import { createOrganization } from '../db/repositories/organizations.js';
import type { Database } from '../db/schema.js';
import { usStates } from '../domain/phone-number.js';

/** One provisioning's who and where: a fresh identity (one live number each) and a US state. */
export interface Slot {
  organizationId: string;
  apiKey: string;
  agentHandle: string;
  state: string;
}

const identitiesPerOrganization = 25;

/**
 * Slots for `count` provisionings, spread so that requests in flight together hit different
 * organizations (no waiting on one organization's lock) and different states (no two racing for the
 * same sandbox number): slot n is organization n mod G, state n mod 51.
 */
export async function seedSlots(db: Kysely<Database>, count: number, concurrency: number, label: string): Promise<Slot[]> {
  const organizationCount = Math.max(concurrency, Math.ceil(count / identitiesPerOrganization));
  const perOrganization = Math.ceil(count / organizationCount);
  const organizations: { organizationId: string; apiKey: string }[] = [];
  for (let i = 0; i < organizationCount; i += 1) {
    const organization = await createOrganization(db, `bench-${label}-${i}`);
    const handles = Array.from({ length: perOrganization }, (_, j) => `agent-${j}`);
    await db.insertInto('identities').values(handles.map((agent_handle) => ({ organization_id: organization.id, agent_handle }))).execute();
    const { apiKey } = await createApiKey(db, organization.id);
    organizations.push({ organizationId: organization.id, apiKey });
  }
  return Array.from({ length: count }, (_, n) => ({
    ...organizations[n % organizationCount]!,
    agentHandle: `agent-${Math.floor(n / organizationCount)}`,
    state: usStates[n % usStates.length]!,
  }));
}
