import type { PhoneNumberType } from '../domain/phone-number.js';

/** A number the carrier offers for sale. */
export interface AvailableNumber {
  phoneNumber: string;
  state: string | null;
}

export type OrderStatus = 'pending' | 'success' | 'failure';

/** A carrier order for one number; its id is not the id of the number resource it buys. */
export interface CarrierOrder {
  id: string;
  status: OrderStatus;
  phoneNumber: string;
  customerReference: string | null;
  createdAt: string;
}

/** A number resource the carrier says this account owns. */
export interface OwnedNumber {
  /** The resource id PATCH and DELETE need (numeric string at Telnyx). */
  id: string;
  phoneNumber: string;
  status: string;
  connectionId: string | null;
  customerReference: string | null;
  tags: string[];
  createdAt: string;
}

export interface SearchQuery {
  type: PhoneNumberType;
  state: string | null;
  limit: number;
}

/**
 * The carrier as the workflows need it. Implementations throw `CarrierError` (see errors.ts)
 * and nothing else, so callers act on `error.type` and `error.retryable` alone.
 */
export interface Carrier {
  searchAvailable(query: SearchQuery): Promise<AvailableNumber[]>;
  /** Never retried inside: after an ambiguous failure, call `findOrdersByCustomerReference`. */
  createOrder(phoneNumber: string, customerReference: string): Promise<CarrierOrder>;
  getOrder(orderId: string): Promise<CarrierOrder>;
  findOrdersByCustomerReference(customerReference: string): Promise<CarrierOrder[]>;
  /** The owned number resource for an E.164 number, or null when the account has none. */
  findNumber(phoneNumber: string): Promise<OwnedNumber | null>;
  attachToConnection(numberId: string, connectionId: string, tags: string[]): Promise<OwnedNumber>;
  /** Resolves `'released'`, or `'already_released'` when the carrier no longer has it (404). */
  releaseNumber(numberId: string): Promise<'released' | 'already_released'>;
  /** Every number this account owns, across all pages. */
  listOwnedNumbers(): Promise<OwnedNumber[]>;
}
