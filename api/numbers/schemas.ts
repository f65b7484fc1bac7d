import { z } from 'zod';
import {
  incomingCallActions,
  liveStatuses,
  phoneNumberStatuses,
  phoneNumberTypes,
  usStates,
  type CallSettings,
  type PhoneNumberStatus,
} from '../../domain/phone-number.js';
import { provisioningSteps } from '../../domain/workflow-contract.js';
import type { ValidationIssue } from '../errors/api-error.js';
import { agentHandleSchema, timestampSchema } from '../shared-schemas.js';

const maxUrlLength = 2048;

const urlWithScheme = (scheme: 'wss' | 'https', description: string) =>
  z
    .string()
    .max(maxUrlLength)
    // The URL parser drops leading/trailing controls and spaces, so they would reach the database unchecked.
    .regex(/^[^\s\u0000-\u001f\u007f]*$/, 'Must not contain spaces or control characters')
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === `${scheme}:` && url.hostname !== '';
      } catch {
        return false;
      }
    }, `Must be a ${scheme}:// URL`)
    .meta({ description, format: 'uri', example: `${scheme}://agent.example.com/${scheme === 'wss' ? 'calls' : 'hooks/calls'}` });

const publicHostRule = '; its host must be public: IP literals and names resolving to loopback, private, link-local, CGNAT or cloud-metadata addresses are refused (422)';
const websocketUrl = urlWithScheme('wss', `WebSocket URL (wss://) connected when a call starts${publicHostRule}`);
const webhookUrl = urlWithScheme('https', `HTTPS URL for incoming call webhooks${publicHostRule}`);
const callAction = z.enum(incomingCallActions).meta({ description: 'How incoming calls are handled' });

/** The call-handling rules api.md states, checked on a request and on a merged PATCH alike. */
export function callSettingsIssues(settings: CallSettings): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (settings.incomingCallAction === 'auto_accept' && !settings.clientWebsocketUrl) {
    issues.push({
      loc: ['body', 'client_websocket_url'],
      msg: 'client_websocket_url is required when incoming_call_action is "auto_accept"',
      type: 'value_error',
    });
  }
  if (settings.incomingCallAction === 'webhook' && !settings.incomingCallWebhookUrl) {
    issues.push({
      loc: ['body', 'incoming_call_webhook_url'],
      msg: 'incoming_call_webhook_url is required when incoming_call_action is "webhook"',
      type: 'value_error',
    });
  }
  return issues;
}

export const provisionNumberBodySchema = z
  .strictObject({
    agent_handle: agentHandleSchema,
    type: z.enum(phoneNumberTypes).default('toll_free').meta({ description: '"toll_free" (default) or "local"' }),
    state: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'Must be a two-letter US state code')
      .refine((value) => (usStates as readonly string[]).includes(value.toUpperCase()), 'Must be a US state code or DC')
      .nullish()
      .meta({ description: 'Two-letter US state (or DC), only with type "local"', example: 'NY' }),
    incoming_call_action: callAction.default('auto_reject'),
    client_websocket_url: websocketUrl.nullish(),
    incoming_call_webhook_url: webhookUrl.nullish(),
  })
  .meta({ id: 'ProvisionPhoneNumberRequest' });

export type ProvisionNumberBody = z.output<typeof provisionNumberBodySchema>;

/** A provision request's call settings, absent URLs as null: what the rules check and the workflow stores. */
export function callSettingsOf(body: ProvisionNumberBody): CallSettings {
  return {
    incomingCallAction: body.incoming_call_action,
    clientWebsocketUrl: body.client_websocket_url ?? null,
    incomingCallWebhookUrl: body.incoming_call_webhook_url ?? null,
  };
}

export const updateNumberBodySchema = z
  .strictObject({
    incoming_call_action: callAction.optional(),
    client_websocket_url: websocketUrl.nullable().optional(),
    incoming_call_webhook_url: webhookUrl.nullable().optional(),
  })
  .meta({ id: 'UpdatePhoneNumberRequest', description: 'Only fields present change; null clears a URL' });

export const phoneNumberSchema = z
  .object({
    id: z.uuid(),
    number: z.string().nullable().meta({ description: 'E.164; null until the carrier order names one', example: '+18005550100' }),
    type: z.enum(phoneNumberTypes),
    status: z.enum(phoneNumberStatuses),
    incoming_call_action: z.enum(incomingCallActions),
    client_websocket_url: z.string().nullable(),
    incoming_call_webhook_url: z.string().nullable(),
    agent_identity_id: z.uuid().nullable(),
    state: z.string().nullable(),
    country: z.string().meta({ example: 'US' }),
    provisioning: z
      .object({
        step: z.enum(provisioningSteps),
        workflow_id: z.string(),
        error: z.string().optional().meta({ description: 'When failed: a fixed sentence for why, never the raw text of the carrier or the database' }),
      })
      .optional()
      .meta({ description: 'Only while status is provisioning or failed' }),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .meta({ id: 'PhoneNumber' });

export type PhoneNumberResponse = z.infer<typeof phoneNumberSchema>;

const knownStatus = (value: string): value is PhoneNumberStatus => (phoneNumberStatuses as readonly string[]).includes(value);

/**
 * GET /numbers' query: the parser the route runs and the schema the OpenAPI document shows. `status`
 * is comma-separated and may repeat; none given means the live statuses.
 */
export const listNumbersQuerySchema = z.object({
  status: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((raw, ctx): readonly PhoneNumberStatus[] => {
      const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
        .flatMap((value) => value.split(','))
        .map((value) => value.trim())
        .filter(Boolean);
      const unknown = values.find((value) => !knownStatus(value));
      if (unknown !== undefined) {
        ctx.addIssue({
          code: 'invalid_value',
          values: [...phoneNumberStatuses],
          input: unknown,
          message: `Unknown status "${unknown}"; use ${phoneNumberStatuses.join(', ')}`,
        });
        return z.NEVER;
      }
      return values.length > 0 ? values.filter(knownStatus) : liveStatuses;
    })
    .meta({ description: `Comma-separated statuses (${phoneNumberStatuses.join(', ')}); default: ${liveStatuses.join(', ')}` }),
});
