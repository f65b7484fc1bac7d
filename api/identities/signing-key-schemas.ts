import { z } from 'zod';
import { timestampSchema } from '../shared-schemas.js';

export const signingKeySchema = z
  .object({
    signing_key: z.string().meta({ description: 'Shown once: store it to verify X-Inkbox-Signature', example: 'whsec_3f1c…' }),
    created_at: timestampSchema,
  })
  .meta({ id: 'SigningKey' });

export const signingKeyStatusSchema = z
  .object({
    configured: z.boolean(),
    created_at: timestampSchema.nullable().meta({ description: 'When the key was created or last rotated; null when none' }),
  })
  .meta({ id: 'SigningKeyStatus' });

export type SigningKeyResponse = z.infer<typeof signingKeySchema>;
export type SigningKeyStatusResponse = z.infer<typeof signingKeyStatusSchema>;
