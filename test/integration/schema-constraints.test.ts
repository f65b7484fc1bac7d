import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database, NewPhoneNumber } from '../../db/schema.js';
import { connectTestDatabase, createTestOrganization } from '../support/test-database.js';

const uniqueViolation = { code: '23505' };
const checkViolation = { code: '23514' };

/** A US E.164 number no other test uses. */
const uniqueNumber = () => `+1${String(Math.floor(Math.random() * 9e9) + 1e9)}`;

function insertNumber(db: Kysely<Database>, values: Partial<NewPhoneNumber> & Pick<NewPhoneNumber, 'organization_id'>) {
  const id = randomUUID();
  return db
    .insertInto('phone_numbers')
    .values({
      id,
      type: 'toll_free',
      status: 'active',
      incoming_call_action: 'auto_reject',
      workflow_id: `provision-${id}`,
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

describe('schema constraints on PostgreSQL', () => {
  const db = connectTestDatabase();
  afterAll(() => db.destroy());

  it('when a handle repeats within one organization, then it is rejected, but another organization may use it', async () => {
    const { organization } = await createTestOrganization(db, 'sales-agent');
    const other = await createTestOrganization(db, 'sales-agent');

    const duplicate = db.insertInto('identities').values({ organization_id: organization.id, agent_handle: 'sales-agent' }).execute();

    await expect(duplicate).rejects.toMatchObject(uniqueViolation);
    expect(other.identity.agent_handle).toBe('sales-agent');
  });

  it('when an identity gets a second live number, then it is rejected', async () => {
    const { organization, identity } = await createTestOrganization(db);
    await insertNumber(db, { organization_id: organization.id, agent_identity_id: identity.id, number: uniqueNumber() });

    for (const status of ['active', 'provisioning', 'paused'] as const) {
      await expect(
        insertNumber(db, { organization_id: organization.id, agent_identity_id: identity.id, status }),
      ).rejects.toMatchObject(uniqueViolation);
    }
  });

  it('when the identity\'s first number was released or failed, then a new live number is allowed', async () => {
    const { organization, identity } = await createTestOrganization(db);
    const first = await insertNumber(db, { organization_id: organization.id, agent_identity_id: identity.id, number: uniqueNumber() });
    await db.updateTable('phone_numbers').set({ status: 'released' }).where('id', '=', first.id).execute();
    const second = await insertNumber(db, { organization_id: organization.id, agent_identity_id: identity.id, status: 'provisioning' });
    await db.updateTable('phone_numbers').set({ status: 'failed' }).where('id', '=', second.id).execute();

    const third = await insertNumber(db, { organization_id: organization.id, agent_identity_id: identity.id });

    expect(third.status).toBe('active');
  });

  it('when the same E.164 number is live twice, then it is rejected, but allowed once the first is released', async () => {
    const a = await createTestOrganization(db);
    const b = await createTestOrganization(db);
    const number = uniqueNumber();
    const first = await insertNumber(db, { organization_id: a.organization.id, number });

    await expect(insertNumber(db, { organization_id: b.organization.id, number })).rejects.toMatchObject(uniqueViolation);

    await db.updateTable('phone_numbers').set({ status: 'released' }).where('id', '=', first.id).execute();
    const reused = await insertNumber(db, { organization_id: b.organization.id, number });
    expect(reused.number).toBe(number);
  });

  it('when status, type, number or URL scheme is out of range, then a CHECK rejects the row', async () => {
    const { organization } = await createTestOrganization(db);
    const organization_id = organization.id;
    const bad: Partial<Record<keyof NewPhoneNumber, string>>[] = [
      { status: 'sold' },
      { type: 'mobile' },
      { incoming_call_action: 'ring' },
      { number: '5551234567' },
      { state: 'California' },
      { client_websocket_url: 'ws://agent.example.com/socket' },
      { incoming_call_webhook_url: 'http://agent.example.com/hook' },
    ];

    for (const values of bad) {
      await expect(insertNumber(db, { organization_id, ...(values as Partial<NewPhoneNumber>) }), JSON.stringify(values))
        .rejects.toMatchObject(checkViolation);
    }
    const good = await insertNumber(db, {
      organization_id,
      client_websocket_url: 'wss://agent.example.com/socket',
      incoming_call_webhook_url: 'https://agent.example.com/hook',
      state: 'CA',
    });
    expect(good.state).toBe('CA');
  });
});
