import type { Identity, PhoneNumberRow } from '../../db/schema.js';
import { isoTimestamp } from '../shared-schemas.js';
import type { IdentityDetail, IdentitySummary } from './schemas.js';

export function presentIdentity(identity: Identity): IdentitySummary {
  return {
    id: identity.id,
    organization_id: identity.organization_id,
    agent_handle: identity.agent_handle,
    status: 'active',
    email_address: null,
    created_at: isoTimestamp(identity.created_at),
    updated_at: isoTimestamp(identity.updated_at),
  };
}

export function presentIdentityDetail(identity: Identity, phoneNumber: PhoneNumberRow | undefined): IdentityDetail {
  return {
    ...presentIdentity(identity),
    phone_number: phoneNumber
      ? {
          id: phoneNumber.id,
          number: phoneNumber.number,
          type: phoneNumber.type,
          status: phoneNumber.status,
          incoming_call_action: phoneNumber.incoming_call_action,
          client_websocket_url: phoneNumber.client_websocket_url,
          created_at: isoTimestamp(phoneNumber.created_at),
          updated_at: isoTimestamp(phoneNumber.updated_at),
        }
      : null,
    mailbox: null,
  };
}
