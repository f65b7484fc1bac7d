import { z } from 'zod';

/** 1–64 letters, digits, `-`, `_`, `.`, with one optional leading `@` the API strips. */
export const agentHandleSchema = z
  .string()
  .regex(/^@?[A-Za-z0-9._-]{1,64}$/, 'Must be 1-64 letters, digits, "-", "_" or "." (one leading "@" allowed)')
  .meta({ description: 'Agent identity handle, e.g. "sales-agent" or "@sales-agent"; one leading @ is stripped', example: 'sales-agent' });

export const stripAt = (handle: string): string => (handle.startsWith('@') ? handle.slice(1) : handle);

export const timestampSchema = z.iso.datetime().meta({ example: '2026-11-27T10:15:30.123Z' });

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** ISO 8601 UTC with `Z`. */
export const isoTimestamp = (date: Date | string): string => new Date(date).toISOString();

const validationIssueSchema = z.object({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
});

export const errorResponseSchema = z
  .object({
    detail: z.string(),
    error: z.string().meta({ description: 'Stable machine code, e.g. phone_number_limit_reached' }),
    workflow_id: z.string().optional().meta({ description: 'Temporal workflow involved, when there was one' }),
  })
  .meta({ id: 'Error' });

export const validationErrorResponseSchema = z
  .object({ detail: z.array(validationIssueSchema), error: z.literal('validation_error') })
  .meta({ id: 'ValidationError' });
