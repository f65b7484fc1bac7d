/**
 * Stable `type` strings of carrier failures that workflows act on. They live in domain/ because
 * workflow code reads them as values; the carrier boundary (carrier/errors.ts) classifies every error once.
 */
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
