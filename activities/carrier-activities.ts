import { ApplicationFailure, log } from '@temporalio/activity';
import type { AvailableNumber, Carrier, CarrierOrder, SearchQuery } from '../carrier/carrier.js';
import { CarrierError, carrierErrorTypes } from '../carrier/errors.js';
import type { Config } from '../config/config.js';
import { failureTypes } from '../domain/failures.js';
import { carrierCall, toActivityFailure } from './carrier-failure.js';

export interface CarrierActivityDeps {
  carrier: Carrier;
  config: Pick<Config, 'TELNYX_CONNECTION_ID' | 'DEPLOYMENT_ID'>;
}

/** Tag every number this service configures carries, so operators can tell ours apart. */
export const serviceTag = 'inkbox-numbers';

export function createCarrierActivities({ carrier, config }: CarrierActivityDeps) {
  /** An order already placed under this reference that may still buy or has bought a number. */
  async function findLiveOrder(customerReference: string): Promise<CarrierOrder | undefined> {
    const orders = await carrierCall(() => carrier.findOrdersByCustomerReference(customerReference));
    return orders.find((order) => order.status !== 'failure');
  }

  return {
    /** Candidates for the request; nothing found is the permanent `no_numbers_available`. */
    async searchNumbers(query: SearchQuery): Promise<AvailableNumber[]> {
      try {
        const found = await carrier.searchAvailable(query);
        if (found.length > 0) return found;
      } catch (error) {
        if (!(error instanceof CarrierError && error.type === carrierErrorTypes.noInventory)) throw toActivityFailure(error);
      }
      const where = query.state ? ` in ${query.state}` : '';
      throw ApplicationFailure.nonRetryable(`No ${query.type.replace('_', '-')} numbers available${where}`, failureTypes.noNumbersAvailable);
    },

    /**
     * Orders a number once per reference: an order already placed under it (a committed create whose
     * answer was lost) is adopted instead of buying again. A taken number fails with `carrier_number_taken`.
     */
    async placeOrder(input: { phoneNumber: string; customerReference: string }): Promise<CarrierOrder> {
      const existing = await findLiveOrder(input.customerReference);
      if (existing) return existing;
      try {
        return await carrier.createOrder(input.phoneNumber, input.customerReference);
      } catch (error) {
        if (error instanceof CarrierError && error.retryable) {
          const adopted = await findLiveOrder(input.customerReference);
          if (adopted) {
            log.warn('order create failed ambiguously; adopting the committed order', { orderId: adopted.id });
            return adopted;
          }
        }
        throw toActivityFailure(error);
      }
    },

    async getOrder(orderId: string): Promise<CarrierOrder> {
      return carrierCall(() => carrier.getOrder(orderId));
    },

    /** Attaches the bought number to the voice connection; retried while the carrier does not show it yet. */
    async configureNumber(input: { phoneNumber: string; organizationId: string }): Promise<{ carrierNumberId: string }> {
      const owned = await carrierCall(() => carrier.findNumber(input.phoneNumber));
      if (!owned || owned.status === 'purchase-pending') {
        throw ApplicationFailure.retryable(`number ${input.phoneNumber} is not ready at the carrier yet`, 'carrier_number_not_ready');
      }
      const tags = [serviceTag, `org:${input.organizationId}`];
      const attached = await carrierCall(() => carrier.attachToConnection(owned.id, config.TELNYX_CONNECTION_ID, tags));
      return { carrierNumberId: attached.id };
    },

    /**
     * Compensation: releases every number bought under this reference. Orders still pending cannot be
     * released yet; their count is returned so the workflow can wait for them to settle.
     */
    async releaseOrderedNumbers(customerReference: string): Promise<{ released: string[]; pendingOrders: number }> {
      const orders = await carrierCall(() => carrier.findOrdersByCustomerReference(customerReference));
      const released: string[] = [];
      let pendingOrders = 0;
      for (const order of orders) {
        if (order.status === 'failure') continue;
        const owned = await carrierCall(() => carrier.findNumber(order.phoneNumber));
        if (owned && (owned.customerReference === null || owned.customerReference === customerReference)) {
          await carrierCall(() => carrier.releaseNumber(owned.id));
          released.push(order.phoneNumber);
        } else if (order.status === 'pending') {
          pendingOrders += 1;
        }
      }
      return { released, pendingOrders };
    },

    /** Releases an owned number by its carrier id; a number the carrier no longer has counts as released. */
    async releaseNumberAtCarrier(input: { carrierNumberId: string }): Promise<void> {
      await carrierCall(() => carrier.releaseNumber(input.carrierNumberId));
    },
  };
}
