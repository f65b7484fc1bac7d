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
  /** The sub number orders Telnyx split this order into; a pending one can be cancelled. */
  subOrderIds: string[];
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

/** What configuring writes on a number resource. */
export interface NumberSettings {
  connectionId: string;
  tags: string[];
  /** The number's own reference (the provisioning workflow id); left as it is when absent. */
  customerReference?: string;
}

/** How an answered call's audio reaches the agent: Telnyx connects to `streamUrl` and streams both tracks, bidirectional RTP (PCMU). */
export interface AnswerCall {
  streamUrl: string;
  /** Base64 context Telnyx echoes on the call's later events and in the stream's `start` frame. */
  clientState: string;
  /** Telnyx ignores a repeated command with the same id on the same call, so a retried activity is safe. */
  commandId: string;
}

export interface RejectCall {
  cause: 'CALL_REJECTED' | 'USER_BUSY';
  commandId: string;
}

export interface HangupCall {
  commandId: string;
}

/** `done`, or `call_ended` when Telnyx refuses the command because the call is no longer active (404 or 422). */
export type CallCommandResult = 'done' | 'call_ended';

/**
 * Limits one call sets for itself, so a caller with a deadline of its own (an activity) keeps the
 * carrier inside it. Absent fields fall back to the adapter's defaults.
 */
export interface CarrierCallOptions {
  /** Aborts the call's HTTP requests, e.g. when the caller is cancelled. */
  signal?: AbortSignal;
  /** The whole call's budget: every request of it (each page) gets what remains. */
  timeoutMs?: number;
  /** Retries inside the SDK; 0 leaves retrying to the caller. */
  maxRetries?: number;
}

/**
 * The carrier as the workflows need it. Implementations throw `CarrierError` (see errors.ts)
 * and nothing else, so callers act on `error.type` and `error.retryable` alone.
 */
export interface Carrier {
  searchAvailable(query: SearchQuery, options?: CarrierCallOptions): Promise<AvailableNumber[]>;
  /** Never retried inside: after an ambiguous failure, call `findOrdersByCustomerReference`. */
  createOrder(phoneNumber: string, customerReference: string, options?: CarrierCallOptions): Promise<CarrierOrder>;
  getOrder(orderId: string, options?: CarrierCallOptions): Promise<CarrierOrder>;
  /** Eventually consistent at Telnyx: a new order may be missing for a while. */
  findOrdersByCustomerReference(customerReference: string, options?: CarrierCallOptions): Promise<CarrierOrder[]>;
  /**
   * Resolves `'cancelled'`, or `'refused'` when the carrier will not cancel it (it is no longer
   * pending, or unknown): re-read the order to learn where it stands.
   */
  cancelSubOrder(subOrderId: string, options?: CarrierCallOptions): Promise<'cancelled' | 'refused'>;
  /** The owned number resource for an E.164 number, or null when the account has none. */
  findNumber(phoneNumber: string, options?: CarrierCallOptions): Promise<OwnedNumber | null>;
  /** Attaches the number to a connection and writes its tags (and reference, when given). */
  attachToConnection(numberId: string, settings: NumberSettings, options?: CarrierCallOptions): Promise<OwnedNumber>;
  /** Resolves `'released'`, or `'already_released'` when the carrier no longer has it (404). */
  releaseNumber(numberId: string, options?: CarrierCallOptions): Promise<'released' | 'already_released'>;
  /** Every number this account owns, across all pages. */
  listOwnedNumbers(options?: CarrierCallOptions): Promise<OwnedNumber[]>;
  /** Answers an incoming call with media streaming (Call Control `answer`). */
  answerCall(callControlId: string, answer: AnswerCall, options?: CarrierCallOptions): Promise<CallCommandResult>;
  /** Rejects an incoming call before it is answered (Call Control `reject`). */
  rejectCall(callControlId: string, reject: RejectCall, options?: CarrierCallOptions): Promise<CallCommandResult>;
  /** Hangs up a call (Call Control `hangup`). */
  hangupCall(callControlId: string, hangup: HangupCall, options?: CarrierCallOptions): Promise<CallCommandResult>;
}
