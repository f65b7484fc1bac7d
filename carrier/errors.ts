import { carrierErrorTypes, type CarrierErrorType } from '../domain/carrier-failures.js';

const retryableTypes: ReadonlySet<CarrierErrorType> = new Set([carrierErrorTypes.unavailable, carrierErrorTypes.rateLimited]);

/** A classified carrier failure: `type` is what workflows act on, `retryable` what Temporal's retry policy sees. */
export class CarrierError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly type: CarrierErrorType,
    message: string,
    readonly details: { status?: number; code?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'CarrierError';
    this.retryable = retryableTypes.has(type);
  }
}
