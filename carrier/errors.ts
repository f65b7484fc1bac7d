/** Stable `type` strings that workflows act on; the carrier boundary classifies every error once. */
export const carrierErrorTypes = {
  /** 5xx, timeouts, connection errors: safe to retry, but an order create may have committed. */
  unavailable: 'carrier_unavailable',
  rateLimited: 'carrier_rate_limited',
  numberTaken: 'carrier_number_taken',
  noInventory: 'carrier_no_inventory',
  invalidRequest: 'carrier_invalid_request',
  authentication: 'carrier_authentication_failed',
  notFound: 'carrier_not_found',
} as const;

export type CarrierErrorType = (typeof carrierErrorTypes)[keyof typeof carrierErrorTypes];

const retryableTypes: ReadonlySet<CarrierErrorType> = new Set([carrierErrorTypes.unavailable, carrierErrorTypes.rateLimited]);

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
