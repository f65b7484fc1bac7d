import { z } from 'zod';
import { callStatuses, hangupReasons } from '../../domain/calls.js';
import { timestampSchema } from '../shared-schemas.js';

const callId = z.uuid();

/** Inkbox's `PhoneCall`, as its Python SDK reads it. */
export const callSchema = z
  .object({
    id: callId,
    local_phone_number: z.string().meta({ description: 'Our number that was called, E.164', example: '+18005550100' }),
    remote_phone_number: z.string().meta({ description: 'The caller, E.164', example: '+12125550123' }),
    direction: z.enum(['inbound', 'outbound']),
    status: z.enum(callStatuses),
    client_websocket_url: z.string().nullable().meta({ description: 'Where the audio streams, once answered' }),
    use_inkbox_tts: z.null(),
    use_inkbox_stt: z.null(),
    hangup_reason: z.enum(hangupReasons).nullable(),
    started_at: timestampSchema.nullable().meta({ description: 'When the call was answered' }),
    ended_at: timestampSchema.nullable(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
    is_blocked: z.literal(false),
    origin: z.literal('dedicated_number'),
    mode: z.literal('client_websocket'),
  })
  .meta({ id: 'PhoneCall' });

export type CallResponse = z.infer<typeof callSchema>;

/**
 * GET /calls' query. Strict: Inkbox's other filters (`agent_identity_id`, `is_blocked`, dates) are not
 * supported, and ignoring one would answer calls the client asked to leave out.
 */
export const listCallsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Calls per page, 1-200' }),
  offset: z.coerce.number().int().min(0).default(0).meta({ description: 'Calls to skip' }),
});
