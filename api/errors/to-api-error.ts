import { ApiError, notFound } from './api-error.js';
import { unavailableRetryAfterSeconds } from './error-table.js';

const grpcInvalidArgument = 3;
const grpcUnavailable = 14;
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
/** PostgreSQL SQLSTATEs meaning "the server is not there right now". */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);

function* causeChain(error: unknown): Generator<Record<string, unknown>> {
  let current = error;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

/** Whether the error means the database or Temporal cannot be reached, so a retry may help. */
export function isUnavailableError(error: unknown): boolean {
  for (const link of causeChain(error)) {
    const { code, message, name } = link;
    if (code === grpcUnavailable && 'metadata' in link) return true;
    // An update reaching a workflow whose last task failed or timed out (say its worker was killed): the
    // server retries that task, so the same request succeeds shortly.
    if (typeof message === 'string' && /Workflow Task in failed state/i.test(message)) return true;
    if (typeof code === 'string' && (networkCodes.has(code) || unavailableSqlStates.has(code))) return true;
    if (name === 'TransportError') return true;
    if (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect/i.test(message)) {
      return true;
    }
  }
  return false;
}

/** Whether Temporal refused a call as invalid (gRPC INVALID_ARGUMENT), so the same call can never succeed. */
export function isInvalidArgumentError(error: unknown): boolean {
  for (const link of causeChain(error)) {
    if (link.code === grpcInvalidArgument && 'metadata' in link) return true;
  }
  return false;
}

/** Errors body-parser raises, by their `type`. */
const bodyParserErrors: Record<string, () => ApiError> = {
  'entity.parse.failed': () => new ApiError('invalid_json'),
  'entity.too.large': () => new ApiError('payload_too_large'),
  'charset.unsupported': () => new ApiError('unsupported_media_type', 'Unsupported charset; send UTF-8 JSON'),
  'encoding.unsupported': () => new ApiError('unsupported_media_type', 'Unsupported content encoding'),
};

/** Turns anything thrown into an ApiError, or undefined when it is unexpected (a 500). */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  // The router could not percent-decode a path segment (`%zz`): no resource has such a name.
  if (error instanceof URIError) return notFound();
  const parserType = (error as { type?: unknown } | null)?.type;
  if (typeof parserType === 'string' && parserType in bodyParserErrors) return bodyParserErrors[parserType]!();
  if (isUnavailableError(error)) {
    return new ApiError('unavailable', undefined, { retryAfterSeconds: unavailableRetryAfterSeconds });
  }
  return undefined;
}
