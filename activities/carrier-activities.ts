import { ApplicationFailure } from '@temporalio/activity';
import type { AvailableNumber, Carrier, CarrierOrder, SearchQuery } from '../carrier/carrier.js';
import { CarrierError } from '../carrier/errors.js';
import { carrierErrorTypes } from '../domain/carrier-failures.js';
import type { Config } from '../config/config.js';
import { deploymentTag, organizationTag, serviceTag } from '../domain/carrier-tags.js';
import { failureTypes } from '../domain/failures.js';
import { activityCallOptions, whileHeartbeating } from './activity-call-limits.js';
import { activityFailureOf, carrierCall, numberNotReadyType } from './carrier-failure.js';
import { createCarrierReleaseActivities } from './carrier-release-activities.js';
import { createPlaceOrder } from './place-order.js';

export interface CarrierActivityDeps {
  carrier: Carrier;
  config: Pick<Config, 'TELNYX_CONNECTION_ID' | 'DEPLOYMENT_ID' | 'CARRIER_LIST_LAG_MS'>;
}

export function createCarrierActivities({ carrier, config }: CarrierActivityDeps) {
  return {
    /** Candidates for the request; nothing found is the permanent `no_numbers_available`. */
    async searchNumbers(query: SearchQuery): Promise<AvailableNumber[]> {
      try {
        const found = await whileHeartbeating(() => carrier.searchAvailable(query, activityCallOptions()));
        if (found.length > 0) return found;
      } catch (error) {
        if (!(error instanceof CarrierError && error.type === carrierErrorTypes.noInventory)) throw activityFailureOf(error);
      }
      const where = query.state ? ` in ${query.state}` : '';
      throw ApplicationFailure.nonRetryable(`No ${query.type.replace('_', '-')} numbers available${where}`, failureTypes.noNumbersAvailable);
    },

    /** Orders a number once per reference, even when the carrier's order list lags (see `createPlaceOrder`). */
    placeOrder: createPlaceOrder({ carrier, orderListSettleMs: config.CARRIER_LIST_LAG_MS }),

    async getOrder(orderId: string): Promise<CarrierOrder> {
      return carrierCall((options) => carrier.getOrder(orderId, options));
    },

    /**
     * Attaches the bought number to the voice connection, tags it (service, deployment, organization)
     * and writes the provisioning workflow id into its own `customer_reference` when given: Telnyx does
     * not copy the order's reference onto the number. Retried while the carrier does not show it yet.
     */
    async configureNumber(input: { phoneNumber: string; organizationId: string; customerReference?: string }): Promise<{ carrierNumberId: string }> {
      const owned = await carrierCall((options) => carrier.findNumber(input.phoneNumber, options));
      if (!owned || owned.status === 'purchase-pending') {
        throw ApplicationFailure.retryable(`number ${input.phoneNumber} is not ready at the carrier yet`, numberNotReadyType);
      }
      const settings = {
        connectionId: config.TELNYX_CONNECTION_ID,
        tags: [serviceTag, deploymentTag(config.DEPLOYMENT_ID), organizationTag(input.organizationId)],
        ...(input.customerReference === undefined ? {} : { customerReference: input.customerReference }),
      };
      const attached = await carrierCall((options) => carrier.attachToConnection(owned.id, settings, options));
      return { carrierNumberId: attached.id };
    },

    ...createCarrierReleaseActivities({ carrier, listLagMs: config.CARRIER_LIST_LAG_MS }),
  };
}
