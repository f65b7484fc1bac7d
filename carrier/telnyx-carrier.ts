import Telnyx, { NotFoundError, UnprocessableEntityError } from 'telnyx';
import type {
  AnswerCall,
  CallCommandResult,
  HangupCall,
  RejectCall,
  AvailableNumber,
  CarrierCallOptions,
  Carrier,
  CarrierOrder,
  NumberSettings,
  OrderStatus,
  OwnedNumber,
  SearchQuery,
} from './carrier.js';
import { classifyCarrierError, isRefusedCancel } from './classify-error.js';
import { carrierErrorTypes } from '../domain/carrier-failures.js';
import { CarrierError } from './errors.js';

export interface TelnyxCarrierOptions {
  apiKey: string;
  /** Ends in `/v2`: https://api.telnyx.com/v2, or a sandbox's `baseURL`. */
  baseURL: string;
  /** Per-request timeout when a call sets none; defaults to 15 s. */
  timeoutMs?: number;
  /** SDK retries for calls safe to repeat, when a call sets none (never used for order create); defaults to 2. */
  maxRetries?: number;
}

/** The fields the adapter reads from an order (the SDK types every field optional). */
interface RawOrder {
  id?: string;
  status?: string;
  customer_reference?: string | null;
  created_at?: string;
  phone_numbers?: { phone_number?: string }[];
  sub_number_orders_ids?: string[];
}

interface RawNumber {
  id?: string;
  phone_number?: string;
  status?: string;
  connection_id?: string | null;
  customer_reference?: string | null;
  tags?: string[];
  created_at?: string;
}

const pageSize = 250;

/**
 * Telnyx documents `pending`, `success` and `failure`. Anything else is read as still pending (wait and
 * look again), except a cancelled order, which bought nothing.
 */
function toOrderStatus(status: string | undefined): OrderStatus {
  if (status === 'success' || status === 'failure') return status;
  return status === 'cancelled' || status === 'canceled' ? 'failure' : 'pending';
}

function toOrder(raw: RawOrder | undefined): CarrierOrder {
  if (!raw?.id) throw new CarrierError(carrierErrorTypes.unavailable, 'Telnyx answered an order without an id');
  return {
    id: raw.id,
    status: toOrderStatus(raw.status),
    phoneNumber: raw.phone_numbers?.[0]?.phone_number ?? '',
    customerReference: raw.customer_reference ?? null,
    createdAt: raw.created_at ?? '',
    subOrderIds: raw.sub_number_orders_ids ?? [],
  };
}

function toOwnedNumber(raw: RawNumber | undefined): OwnedNumber {
  if (!raw?.id || !raw.phone_number) throw new CarrierError(carrierErrorTypes.unavailable, 'Telnyx answered a number without an id');
  return {
    id: raw.id,
    phoneNumber: raw.phone_number,
    status: raw.status ?? 'unknown',
    connectionId: raw.connection_id ?? null,
    customerReference: raw.customer_reference ?? null,
    tags: raw.tags ?? [],
    createdAt: raw.created_at ?? '',
  };
}

/**
 * The SDK's per-request options for a call: its signal, its retries, and a timeout that is what remains
 * of the call's budget, so the pages of one call together stay inside it.
 */
function requestLimits(options: CarrierCallOptions | undefined) {
  const deadline = options?.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  return () => ({
    ...(options?.signal ? { signal: options.signal } : {}),
    ...(options?.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    ...(deadline === undefined ? {} : { timeout: Math.max(1, deadline - Date.now()) }),
  });
}

/** The `Carrier` on the official Telnyx SDK; every error leaves as a classified `CarrierError`. */
export function createTelnyxCarrier(options: TelnyxCarrierOptions): Carrier {
  const client = new Telnyx({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 15_000,
    maxRetries: options.maxRetries ?? 2,
    // Both set would make the SDK fetch an OAuth token from live Telnyx, ignoring baseURL.
    clientID: null,
    clientSecret: null,
  });

  async function call<T>(operation: string, run: () => Promise<T>, ordering = false): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw classifyCarrierError(error, operation, ordering);
    }
  }

  /**
   * A Call Control command. Telnyx documents 422 for a command it cannot carry out, and a call that has
   * ended is the case the workflows meet (404 once it is forgotten): both read as `call_ended`.
   */
  function callCommand(operation: string, send: () => Promise<unknown>): Promise<CallCommandResult> {
    return call(operation, async () => {
      try {
        await send();
        return 'done' as const;
      } catch (error) {
        if (error instanceof NotFoundError || error instanceof UnprocessableEntityError) return 'call_ended' as const;
        throw error;
      }
    });
  }

  /** Every number matching `filter`, page by page, each page inside what remains of the call's budget. */
  async function listNumbers(filter: { phone_number?: string }, limits: ReturnType<typeof requestLimits>): Promise<RawNumber[]> {
    const found: RawNumber[] = [];
    for (let pageNumber = 1; ; pageNumber += 1) {
      const query = { ...(filter.phone_number ? { filter } : {}), 'page[number]': pageNumber, 'page[size]': pageSize };
      const page = await client.phoneNumbers.list(query, limits());
      found.push(...page.data);
      if (page.data.length === 0 || !page.hasNextPage()) return found;
    }
  }

  return {
    searchAvailable: (query: SearchQuery, callOptions?: CarrierCallOptions) =>
      call('search', async () => {
        const answer = await client.availablePhoneNumbers.list(
          {
            filter: {
              country_code: 'US',
              phone_number_type: query.type,
              ...(query.type === 'local' && query.state ? { administrative_area: query.state } : {}),
              features: ['voice'],
              limit: query.limit,
              // Exact matches only: best-effort results may lie outside the state asked for.
              best_effort: false,
              // Toll-free numbers without quickship need extra time after purchase before they take calls.
              ...(query.type === 'toll_free' ? { quickship: true } : {}),
            },
          },
          requestLimits(callOptions)(),
        );
        const found: AvailableNumber[] = (answer.data ?? []).flatMap((item) =>
          item.phone_number
            ? [{ phoneNumber: item.phone_number, state: item.region_information?.find((r) => r.region_type === 'state')?.region_name ?? null }]
            : [],
        );
        if (found.length === 0) {
          throw new CarrierError(carrierErrorTypes.noInventory, `Telnyx has no ${query.type} numbers${query.state ? ` in ${query.state}` : ''}`);
        }
        return found;
      }),

    createOrder: (phoneNumber: string, customerReference: string, callOptions?: CarrierCallOptions) =>
      call(
        'order create',
        async () => {
          // No SDK retries, whatever the caller asks: Telnyx takes no idempotency key, so a retried create can buy twice.
          const answer = await client.numberOrders.create(
            { phone_numbers: [{ phone_number: phoneNumber }], customer_reference: customerReference },
            { ...requestLimits(callOptions)(), maxRetries: 0 },
          );
          return toOrder(answer.data);
        },
        true,
      ),

    getOrder: (orderId: string, callOptions?: CarrierCallOptions) =>
      call('order get', async () => toOrder((await client.numberOrders.retrieve(orderId, requestLimits(callOptions)())).data)),

    findOrdersByCustomerReference: (customerReference: string, callOptions?: CarrierCallOptions) =>
      call('order list', async () => {
        const limits = requestLimits(callOptions);
        const orders: CarrierOrder[] = [];
        for (let pageNumber = 1; ; pageNumber += 1) {
          const query = { filter: { customer_reference: customerReference }, 'page[number]': pageNumber, 'page[size]': pageSize };
          const page = await client.numberOrders.list(query, limits());
          for (const raw of page.data) if (raw.customer_reference === customerReference) orders.push(toOrder(raw));
          if (page.data.length === 0 || !page.hasNextPage()) return orders;
        }
      }),

    cancelSubOrder: (subOrderId: string, callOptions?: CarrierCallOptions) =>
      call('sub-order cancel', async () => {
        try {
          await client.subNumberOrders.cancel(subOrderId, requestLimits(callOptions)());
          return 'cancelled' as const;
        } catch (error) {
          if (isRefusedCancel(error)) return 'refused' as const;
          throw error;
        }
      }),

    findNumber: (phoneNumber: string, callOptions?: CarrierCallOptions) =>
      call('number lookup', async () => {
        // Telnyx's filter takes digits only ("non-numerical characters will result in no values being
        // returned", at least three of them) and matches loosely: send the digits, keep the exact E.164.
        const digits = phoneNumber.replace(/\D/g, '');
        if (digits.length < 3) return null;
        const matches = await listNumbers({ phone_number: digits }, requestLimits(callOptions));
        const exact = matches.find((raw) => raw.phone_number === phoneNumber);
        return exact ? toOwnedNumber(exact) : null;
      }),

    attachToConnection: (numberId: string, settings: NumberSettings, callOptions?: CarrierCallOptions) =>
      call('number update', async () => {
        const patch = {
          connection_id: settings.connectionId,
          tags: settings.tags,
          ...(settings.customerReference === undefined ? {} : { customer_reference: settings.customerReference }),
        };
        return toOwnedNumber((await client.phoneNumbers.update(numberId, patch, requestLimits(callOptions)())).data);
      }),

    releaseNumber: (numberId: string, callOptions?: CarrierCallOptions) =>
      call('number release', async () => {
        try {
          await client.phoneNumbers.delete(numberId, requestLimits(callOptions)());
          return 'released' as const;
        } catch (error) {
          if (error instanceof NotFoundError) return 'already_released' as const;
          throw error;
        }
      }),

    listOwnedNumbers: (callOptions?: CarrierCallOptions) =>
      call('number list', async () => (await listNumbers({}, requestLimits(callOptions))).map(toOwnedNumber)),

    answerCall: (callControlId: string, answer: AnswerCall, callOptions?: CarrierCallOptions) =>
      callCommand('call answer', () =>
        client.calls.actions.answer(
          callControlId,
          {
            stream_url: answer.streamUrl,
            stream_track: 'both_tracks',
            stream_bidirectional_mode: 'rtp',
            stream_bidirectional_codec: 'PCMU',
            client_state: answer.clientState,
            command_id: answer.commandId,
          },
          requestLimits(callOptions)(),
        ),
      ),

    rejectCall: (callControlId: string, reject: RejectCall, callOptions?: CarrierCallOptions) =>
      callCommand('call reject', () =>
        client.calls.actions.reject(callControlId, { cause: reject.cause, command_id: reject.commandId }, requestLimits(callOptions)()),
      ),

    hangupCall: (callControlId: string, hangup: HangupCall, callOptions?: CarrierCallOptions) =>
      callCommand('call hangup', () =>
        client.calls.actions.hangup(callControlId, { command_id: hangup.commandId }, requestLimits(callOptions)()),
      ),
  };
}
