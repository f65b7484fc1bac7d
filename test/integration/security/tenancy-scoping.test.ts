import { afterAll, describe, expect, test } from 'vitest';
import { deleteIdentity } from '../../../db/repositories/identities.js';
import { updateCallSettings } from '../../../db/repositories/phone-numbers.js';
import { connectTestDatabase, createTestOrganization } from '../../support/test-database.js';

const db = connectTestDatabase();
afterAll(async () => {
  await db.destroy();
});

describe('repository writes are scoped by organization (defence in depth behind the routes\' 403)', () => {
  test('when call settings are written under another organization, then nothing changes', async () => {
    const owner = await createTestOrganization(db);
    const other = await createTestOrganization(db);
    const row = await db
      .insertInto('phone_numbers')
      .values({
        id: crypto.randomUUID(),
        organization_id: owner.organization.id,
        number: null,
        type: 'toll_free',
        status: 'active',
        incoming_call_action: 'auto_reject',
        client_websocket_url: null,
        incoming_call_webhook_url: null,
        workflow_id: `test/tenancy/${crypto.randomUUID()}`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const settings = { incomingCallAction: 'auto_accept' as const, clientWebsocketUrl: 'wss://agent.example.com/ws', incomingCallWebhookUrl: null };

    const foreign = await updateCallSettings(db, other.organization.id, row.id, settings);
    const own = await updateCallSettings(db, owner.organization.id, row.id, settings);

    expect(foreign).toBeUndefined();
    expect(own).toMatchObject({ id: row.id, incoming_call_action: 'auto_accept' });
  });

  test('when an identity is deleted under another organization, then it stays', async () => {
    const owner = await createTestOrganization(db);
    const other = await createTestOrganization(db);

    const foreign = await deleteIdentity(db, other.organization.id, owner.identity.id);
    const remaining = await db.selectFrom('identities').select('id').where('id', '=', owner.identity.id).execute();

    expect(foreign).toBe(false);
    expect(remaining).toHaveLength(1);
  });
});
