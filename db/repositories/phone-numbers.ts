import { sql, type Kysely, type Transaction } from 'kysely';
import type { ProvisioningFailureType } from '../../domain/failures.js';
import { liveStatuses, type CallSettings, type PhoneNumberStatus } from '../../domain/phone-number.js';
import type { ProvisioningStep } from '../../domain/workflow-contract.js';
import type { Database, NewPhoneNumber, PhoneNumberRow } from '../schema.js';

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

/** The live (provisioning, active or paused) row holding this E.164 number, in any organization, or undefined. */
export function findLiveNumberByE164(db: Db, number: string): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('number', '=', number)
    .where('status', 'in', liveStatuses)
    .executeTakeFirst();
}

/** Writes new call settings to the organization's number unless it was released meanwhile; resolves the row, or undefined. */
export function updateCallSettings(
  db: Db,
  organizationId: string,
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
    .where('organization_id', '=', organizationId)
    .where('status', '!=', 'released')
    .returningAll()
    .executeTakeFirst();
}

/** Numbers holding one of the organization's slots (provisioning, active, paused). */
export async function countLiveNumbers(db: Db, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('phone_numbers')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('organization_id', '=', organizationId)
    .where('status', 'in', liveStatuses)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertPhoneNumber(db: Db, row: NewPhoneNumber): Promise<void> {
  await db.insertInto('phone_numbers').values(row).execute();
}

/** Moves a provisioning row of this workflow to another step; resolves whether it was still provisioning. */
export async function updateProvisioningStep(
  db: Db,
  id: string,
  workflowId: string,
  fields: { step: ProvisioningStep; number?: string | null; carrierOrderId?: string },
): Promise<boolean> {
  const result = await db
    .updateTable('phone_numbers')
    .set({
      provisioning_step: fields.step,
      ...(fields.number === undefined ? {} : { number: fields.number }),
      ...(fields.carrierOrderId === undefined ? {} : { carrier_order_id: fields.carrierOrderId }),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('workflow_id', '=', workflowId)
    .where('status', '=', 'provisioning')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** provisioning → active with the carrier's ids; resolves whether the row is now active for this workflow. */
export async function activateProvisionedNumber(
  db: Db,
  id: string,
  workflowId: string,
  fields: { number: string; carrierOrderId: string; carrierNumberId: string; state?: string | null },
): Promise<boolean> {
  await db
    .updateTable('phone_numbers')
    .set({
      status: 'active',
      provisioning_step: 'completed',
      number: fields.number,
      carrier_order_id: fields.carrierOrderId,
      carrier_number_id: fields.carrierNumberId,
      // A local number ordered without a state still gets the state the carrier listed it under.
      state: sql`coalesce(state, ${fields.state ?? null})`,
      failure_reason: null,
      failure_type: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('workflow_id', '=', workflowId)
    .where('status', '=', 'provisioning')
    .execute();
  const row = await findPhoneNumberById(db, id);
  return row?.workflow_id === workflowId && row.status === 'active' && row.carrier_number_id === fields.carrierNumberId;
}

/**
 * provisioning → failed with its type (what customers are told) and raw reason (for operators only);
 * the slot and the identity are free again. No-op otherwise. A null type: the caller could not say.
 */
export async function failProvisioningNumber(
  db: Db,
  id: string,
  workflowId: string,
  failure: { type: ProvisioningFailureType | null; reason: string },
): Promise<void> {
  await db
    .updateTable('phone_numbers')
    .set({
      status: 'failed',
      provisioning_step: 'failed',
      failure_type: failure.type,
      failure_reason: failure.reason,
      agent_identity_id: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('workflow_id', '=', workflowId)
    .where('status', '=', 'provisioning')
    .execute();
}

/**
 * Marks a number released and unlinks it in one statement. Active and paused numbers qualify;
 * `fromFailed` also covers a number whose provisioning a release cancelled.
 */
export async function markPhoneNumberReleased(db: Db, id: string, options: { fromFailed?: boolean } = {}): Promise<PhoneNumberRow | undefined> {
  const from = options.fromFailed ? (['active', 'paused', 'failed'] as const) : (['active', 'paused'] as const);
  await db
    .updateTable('phone_numbers')
    .set({ status: 'released', agent_identity_id: null, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('status', 'in', from)
    .execute();
  return findPhoneNumberById(db, id);
}

/** Records that the carrier confirmed the release (first confirmation wins). */
export async function recordCarrierRelease(db: Db, id: string): Promise<void> {
  await db
    .updateTable('phone_numbers')
    .set({ carrier_released_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('carrier_released_at', 'is', null)
    .execute();
}
