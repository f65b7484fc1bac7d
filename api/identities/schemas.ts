import { z } from 'zod';
import { phoneNumberSchema } from '../numbers/schemas.js';
import { agentHandleSchema, timestampSchema } from '../shared-schemas.js';

export const createIdentityBodySchema = z
  .strictObject({ agent_handle: agentHandleSchema })
  .meta({ id: 'CreateIdentityRequest' });

export const identitySummarySchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    agent_handle: z.string(),
    status: z.literal('active'),
    email_address: z.null(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .meta({ id: 'IdentitySummary' });

export const identityPhoneNumberSchema = phoneNumberSchema
  .pick({
    id: true,
    number: true,
    type: true,
    status: true,
    incoming_call_action: true,
    client_websocket_url: true,
    created_at: true,
    updated_at: true,
  })
  .meta({ id: 'IdentityPhoneNumber' });

export const identityDetailSchema = identitySummarySchema
  .extend({ phone_number: identityPhoneNumberSchema.nullable(), mailbox: z.null() })
  .meta({ id: 'IdentityDetail' });

export type IdentitySummary = z.infer<typeof identitySummarySchema>;
export type IdentityDetail = z.infer<typeof identityDetailSchema>;
