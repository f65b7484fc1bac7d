import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { IncomingCallAction, PhoneNumberStatus, PhoneNumberType } from '../domain/phone-number.js';
import type { ProvisioningFailureType } from '../domain/failures.js';
import type { ProvisioningStep } from '../domain/workflow-contract.js';
import type { CallDecisionReason, CallStatus, HangupReason } from '../domain/calls.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrganizationTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface ApiKeyTable {
  id: Generated<string>;
  organization_id: string;
  /** First characters of the key, shown to operators and used to revoke it. */
  prefix: string;
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  key_hash: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
}

export interface IdentityTable {
  id: Generated<string>;
  organization_id: string;
  agent_handle: string;
  /** The webhook signing key, AES-256-GCM-encrypted with SIGNING_KEY_ENCRYPTION_KEY; null until one is created. */
  signing_key_ciphertext: string | null;
  signing_key_created_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PhoneNumberTable {
  id: string;
  organization_id: string;
  agent_identity_id: string | null;
  number: string | null;
  type: PhoneNumberType;
  status: PhoneNumberStatus;
  state: string | null;
  country: Generated<string>;
  incoming_call_action: IncomingCallAction;
  client_websocket_url: string | null;
  incoming_call_webhook_url: string | null;
  workflow_id: string;
  provisioning_step: ProvisioningStep | null;
  /** The raw reason a provisioning failed (carrier text, constraint names, watcher ids): for operators and logs only. */
  failure_reason: string | null;
  /** Why it failed, as the fixed type the API words for customers; null on rows failed before migration 0004. */
  failure_type: ProvisioningFailureType | null;
  carrier_order_id: string | null;
  carrier_number_id: string | null;
  /** When the carrier confirmed the release; null while it is still owned there. */
  carrier_released_at: Date | null;
  /** When reconciliation found this live number missing at the carrier; null while the carrier has it. */
  carrier_missing_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface IdempotencyKeyTable {
  organization_id: string;
  key: string;
  /** SHA-256 of the canonical request body: the same key with another body is refused. */
  request_hash: string;
  workflow_id: string;
  phone_number_id: string;
  created_at: CreatedAt;
}

export interface CallTable {
  id: Generated<string>;
  organization_id: string;
  phone_number_id: string;
  agent_identity_id: string | null;
  /** Telnyx's handle for the call; unique, so a redelivered `call.initiated` finds the same row. */
  call_control_id: string;
  workflow_id: string;
  local_phone_number: string;
  remote_phone_number: string;
  direction: Generated<'inbound' | 'outbound'>;
  status: CallStatus;
  /** The number's action when the call came in. */
  incoming_call_action: IncomingCallAction;
  /** Where the call's audio streams, once answered. */
  client_websocket_url: string | null;
  hangup_reason: HangupReason | null;
  /** Why the call was answered, rejected or ignored: for operators, never shown to customers. */
  decision_reason: CallDecisionReason | null;
  /** When the call was answered. */
  started_at: Date | null;
  ended_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface Database {
  organizations: OrganizationTable;
  api_keys: ApiKeyTable;
  identities: IdentityTable;
  phone_numbers: PhoneNumberTable;
  idempotency_keys: IdempotencyKeyTable;
  calls: CallTable;
}

export type Organization = Selectable<OrganizationTable>;
export type ApiKey = Selectable<ApiKeyTable>;
export type Identity = Selectable<IdentityTable>;
export type PhoneNumberRow = Selectable<PhoneNumberTable>;
export type NewPhoneNumber = Insertable<PhoneNumberTable>;
export type PhoneNumberUpdate = Updateable<PhoneNumberTable>;
export type IdempotencyKey = Selectable<IdempotencyKeyTable>;
export type CallRow = Selectable<CallTable>;
export type NewCall = Insertable<CallTable>;
export type CallUpdate = Updateable<CallTable>;
