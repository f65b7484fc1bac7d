import type { PhoneNumberView } from '../../db/repositories/phone-numbers.js';
import type { PhoneNumberRow } from '../../db/schema.js';
import { failureOutcomes, failureTypeOf } from './failure-outcomes.js';
import type { PhoneNumberResponse } from './schemas.js';

const isoUtcText = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * ISO 8601 UTC with `Z`, as `isoTimestamp` gives it: a `PhoneNumberView`'s text is that already; a
 * row's Date is printed without being copied first.
 */
const iso = (date: Date | string): string =>
  typeof date === 'string' ? (isoUtcText.test(date) ? date : new Date(date).toISOString()) : date.toISOString();

/** A row, or the view the GET routes read (same fields, timestamps as ISO text). */
export type PresentableNumber = PhoneNumberRow | PhoneNumberView;

type ProvisioningInfo = NonNullable<PhoneNumberResponse['provisioning']>;

/** `provisioning` while a number is provisioning or failed (a failure told by its fixed sentence, never its raw reason); else undefined. */
function provisioningOf(row: PresentableNumber): ProvisioningInfo | undefined {
  const { status } = row;
  if (status === 'failed') {
    // The fixed sentence for why it failed; the raw reason stays on the row for operators.
    return { step: row.provisioning_step ?? 'failed', workflow_id: row.workflow_id, error: failureOutcomes[failureTypeOf(row)].detail };
  }
  return status === 'provisioning' ? { step: row.provisioning_step ?? 'reserving', workflow_id: row.workflow_id } : undefined;
}

/**
 * Exactly the fields of api.md's phone number object, in its order. One literal for every status (one
 * object shape on the hot read path): `provisioning` is undefined outside provisioning and failed, and
 * JSON leaves an undefined field out, so the answer has no `provisioning` key then.
 */
export function presentPhoneNumber(row: PresentableNumber): PhoneNumberResponse {
  return {
    id: row.id,
    number: row.number,
    type: row.type,
    status: row.status,
    incoming_call_action: row.incoming_call_action,
    client_websocket_url: row.client_websocket_url,
    incoming_call_webhook_url: row.incoming_call_webhook_url,
    agent_identity_id: row.agent_identity_id,
    state: row.state,
    country: row.country,
    provisioning: provisioningOf(row),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}
