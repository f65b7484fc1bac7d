import { ValidationError, type ValidationIssue } from '../errors/api-error.js';
import type { CallbackUrlGuard } from '../../outbound/callback-url-guard.js';

const callbackUrlFields = ['client_websocket_url', 'incoming_call_webhook_url'] as const;
type CallbackUrlField = (typeof callbackUrlFields)[number];

/** 422 naming each customer URL (of those given) whose host the SSRF guard refuses; nothing written before this passes. */
export async function assertSafeCallbackUrls(
  guard: CallbackUrlGuard,
  urls: Partial<Record<CallbackUrlField, string | null | undefined>>,
): Promise<void> {
  const checks = await Promise.all(
    callbackUrlFields.map(async (field) => {
      const url = urls[field];
      return { field, refusal: typeof url === 'string' ? await guard(url) : undefined };
    }),
  );
  const issues: ValidationIssue[] = checks.flatMap(({ field, refusal }) =>
    refusal ? [{ loc: ['body', field], msg: refusal.msg, type: refusal.type }] : [],
  );
  if (issues.length > 0) throw new ValidationError(issues);
}
