import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CallRow, Database, NewCall } from '../../db/schema.js';
import { workflowIds } from '../../domain/workflow-contract.js';

/** An active number with no identity and no E.164 (so it takes no place in the live-number index), for call rows to hang on. */
export async function insertNumberForCalls(db: Kysely<Database>, organizationId: string): Promise<string> {
  const row = await db
    .insertInto('phone_numbers')
    .values({
      id: randomUUID(),
      organization_id: organizationId,
      number: null,
      type: 'toll_free',
      status: 'active',
      incoming_call_action: 'auto_accept',
      client_websocket_url: 'wss://agent.example.com/calls',
      incoming_call_webhook_url: null,
      workflow_id: `test/calls/${randomUUID()}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * A call row as the incoming-call workflow writes it (its own `call_control_id` and `call/<id>`
 * workflow id), ringing unless `fields` say otherwise.
 */
export async function insertCall(
  db: Kysely<Database>,
  call: { organizationId: string; phoneNumberId: string } & Partial<NewCall>,
): Promise<CallRow> {
  const { organizationId, phoneNumberId, ...fields } = call;
  const callControlId = fields.call_control_id ?? `v3:test-${randomUUID()}`;
  return db
    .insertInto('calls')
    .values({
      organization_id: organizationId,
      phone_number_id: phoneNumberId,
      agent_identity_id: null,
      call_control_id: callControlId,
      workflow_id: workflowIds.call(callControlId),
      local_phone_number: '+18005550100',
      remote_phone_number: '+12125550123',
      status: 'ringing',
      incoming_call_action: 'auto_accept',
      client_websocket_url: null,
      ...fields,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
