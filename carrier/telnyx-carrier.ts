import Telnyx, { NotFoundError } from 'telnyx';
import type { AvailableNumber, Carrier, CarrierOrder, OrderStatus, OwnedNumber, SearchQuery } from './carrier.js';
import { classifyError } from './classify-error.js';
import { CarrierError, carrierErrorTypes } from './errors.js';

export interface TelnyxCarrierOptions {
  apiKey: string;
  /** Ends in `/v2`: https://api.telnyx.com/v2, or a sandbox's `baseURL`. */
  baseURL: string;
  /** Per-request timeout; defaults to 15 s. */
  timeoutMs?: number;
  /** SDK retries for calls safe to repeat (never used for order create); defaults to 2. */
  maxRetries?: number;
}

/** The fields the adapter reads from an order (the SDK types every field optional). */
interface RawOrder {
  id?: string;
  status?: string;
  customer_reference?: string | null;
  created_at?: string;
  phone_numbers?: { phone_number?: string }[];
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

function toOrder(raw: RawOrder | undefined): CarrierOrder {
  if (!raw?.id) throw new CarrierError(carrierErrorTypes.unavailable, 'Telnyx answered an order without an id');
  return {
    id: raw.id,
    status: (['pending', 'success', 'failure'].includes(raw.status ?? '') ? raw.status : 'pending') as OrderStatus,
    phoneNumber: raw.phone_numbers?.[0]?.phone_number ?? '',
    customerReference: raw.customer_reference ?? null,
    createdAt: raw.created_at ?? '',
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
      throw classifyError(error, operation, ordering);
    }
  }

  return {
    searchAvailable: (query: SearchQuery) =>
      call('search', async () => {
        const answer = await client.availablePhoneNumbers.list({
          filter: {
            country_code: 'US',
            phone_number_type: query.type,
            ...(query.type === 'local' && query.state ? { administrative_area: query.state } : {}),
            features: ['voice'],
            limit: query.limit,
          },
        });
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

    createOrder: (phoneNumber: string, customerReference: string) =>
      call(
        'order create',
        async () => {
          // No SDK retries: Telnyx takes no idempotency key, so a retried create can buy twice.
          const answer = await client.numberOrders.create(
            { phone_numbers: [{ phone_number: phoneNumber }], customer_reference: customerReference },
            { maxRetries: 0 },
          );
          return toOrder(answer.data);
        },
        true,
      ),

    getOrder: (orderId: string) => call('order get', async () => toOrder((await client.numberOrders.retrieve(orderId)).data)),

    findOrdersByCustomerReference: (customerReference: string) =>
      call('order list', async () => {
        const orders: CarrierOrder[] = [];
        for await (const raw of client.numberOrders.list({ filter: { customer_reference: customerReference }, 'page[size]': pageSize })) {
          if (raw.customer_reference === customerReference) orders.push(toOrder(raw));
        }
        return orders;
      }),

    findNumber: (phoneNumber: string) =>
      call('number lookup', async () => {
        // Telnyx's filter matches loosely; only an exact E.164 match is this number.
        for await (const raw of client.phoneNumbers.list({ filter: { phone_number: phoneNumber }, 'page[size]': pageSize })) {
          if (raw.phone_number === phoneNumber) return toOwnedNumber(raw);
        }
        return null;
      }),

    attachToConnection: (numberId: string, connectionId: string, tags: string[]) =>
      call('number update', async () =>
        toOwnedNumber((await client.phoneNumbers.update(numberId, { connection_id: connectionId, tags })).data),
      ),

    releaseNumber: (numberId: string) =>
      call('number release', async () => {
        try {
          await client.phoneNumbers.delete(numberId);
          return 'released' as const;
        } catch (error) {
          if (error instanceof NotFoundError) return 'already_released' as const;
          throw error;
        }
      }),

    listOwnedNumbers: () =>
      call('number list', async () => {
        const numbers: OwnedNumber[] = [];
        for await (const raw of client.phoneNumbers.list({ 'page[size]': pageSize })) numbers.push(toOwnedNumber(raw));
        return numbers;
      }),
  };
}
