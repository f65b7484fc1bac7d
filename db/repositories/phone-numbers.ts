import type { Kysely, Transaction } from 'kysely';
import { liveStatuses, type CallSettings, type PhoneNumberStatus } from '../../domain/phone-number.js';
import type { Database, PhoneNumberRow } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The number with this id in any organization (the caller tells 403 from 404), or undefined. */
export function findPhoneNumberById(db: Db, phoneNumberId: string): Promise<PhoneNumberRow | undefined> {
  return db.selectFrom('phone_numbers').selectAll().where('id', '=', phoneNumberId).executeTakeFirst();
}

/** The organization's numbers in the given statuses, newest first. */
export function listPhoneNumbers(
  db: Db,
  organizationId: string,
  statuses: readonly PhoneNumberStatus[],
): Promise<PhoneNumberRow[]> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('status', 'in', statuses)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** The identity's provisioning, active or paused number, or undefined. */
export function findLiveNumberOfIdentity(db: Db, identityId: string): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('agent_identity_id', '=', identityId)
    .where('status', 'in', liveStatuses)
    .executeTakeFirst();
}

/** Writes new call settings unless the number was released meanwhile; resolves the row, or undefined. */
export function updateCallSettings(
  db: Db,
  phoneNumberId: string,
  settings: CallSettings,
): Promise<PhoneNumberRow | undefined> {
  return db
    .updateTable('phone_numbers')
    .set({
      incoming_call_action: settings.incomingCallAction,
      client_websocket_url: settings.clientWebsocketUrl,
      incoming_call_webhook_url: settings.incomingCallWebhookUrl,
      updated_at: new Date(),
    })
    .where('id', '=', phoneNumberId)
    .where('status', '!=', 'released')
    .returningAll()
    .executeTakeFirst();
}
