import { ApplicationFailure, log } from '@temporalio/activity';
import type { Carrier, CarrierOrder } from '../carrier/carrier.js';
import { CarrierError } from '../carrier/errors.js';
import { carrierErrorTypes } from '../domain/carrier-failures.js';
import type { MaybePlacedOrder } from '../domain/maybe-placed-order.js';
import { previousProgress, recordProgress } from './activity-call-limits.js';
import { noteReleaseError, numberNotReadyType, releaseCall } from './carrier-failure.js';

/** Compensation's input: the reference orders were placed under, and the ids of orders the workflow saw placed. */
export interface ReleaseOrderedNumbersInput {
  customerReference: string;
  /** Read by id as well: lists by reference are eventually consistent, so a new order may be missing there. */
  orderIds?: string[];
  /**
   * An order `placeOrder` says may have been placed with no id known (a create whose answer was lost):
   * until the list should show it, its absence counts as a pending order, so compensation calls again
   * instead of concluding that nothing was bought.
   */
  maybePlacedOrder?: MaybePlacedOrder;
}

/** Carried by heartbeats: what an earlier attempt already released (the carrier no longer lists those). */
interface ReleaseProgress {
  released: string[];
}

/**
 * The release side of the carrier. None of it gives up: every carrier error except "not found" is
 * retried (see `releaseCall`), a number the carrier refuses to release stays the workflow's problem
 * until it goes through, and each refusal is logged and counted.
 */
export function createCarrierReleaseActivities({ carrier, listLagMs }: { carrier: Carrier; listLagMs: number }) {
  /** The order by id, or null when the carrier has no such order (it bought nothing). */
  function readOrder(orderId: string): Promise<CarrierOrder | null> {
    return releaseCall('order get', (options) =>
      carrier.getOrder(orderId, options).catch((error: unknown) => {
        if (error instanceof CarrierError && error.type === carrierErrorTypes.notFound) return null;
        throw error;
      }),
    );
  }

  /**
   * Cancels the order's pending sub-orders (Telnyx allows it only while they are pending), then reads
   * where the order stands: a refused cancel means it settled meanwhile, which the re-read shows.
   */
  async function cancelPending(order: CarrierOrder): Promise<CarrierOrder> {
    if (order.subOrderIds.length === 0) return order;
    for (const subOrderId of order.subOrderIds) {
      const outcome = await releaseCall('sub-order cancel', (options) => carrier.cancelSubOrder(subOrderId, options));
      log.info('cancelled a pending sub-order of a provisioning being undone', { orderId: order.id, subOrderId, outcome });
    }
    return (await readOrder(order.id)) ?? { ...order, status: 'failure' };
  }

  /**
   * Releases what a succeeded order bought; `pending` while the number is still `purchase-pending`.
   * A number is listed from its order's creation on (as `purchase-pending`), so one missing from the
   * list is either the list lagging (retried: never "nothing bought") or, once the order is older than
   * the list lag, a number already released, by a release of ours or by hand (`gone`).
   */
  async function releaseBought(order: CarrierOrder, customerReference: string): Promise<'released' | 'gone' | 'pending' | 'not_ours'> {
    const owned = await releaseCall('number lookup', (options) => carrier.findNumber(order.phoneNumber, options));
    if (!owned) {
      const orderedAt = Date.parse(order.createdAt);
      if (Number.isFinite(orderedAt) && Date.now() - orderedAt > listLagMs) {
        log.warn('a number this provisioning bought is no longer on the account; taken as already released', {
          orderId: order.id,
          phoneNumber: order.phoneNumber,
        });
        return 'gone';
      }
      const message = `order ${order.id} succeeded but ${order.phoneNumber} is not listed at the carrier yet`;
      noteReleaseError('number lookup', numberNotReadyType, message);
      throw ApplicationFailure.retryable(message, numberNotReadyType);
    }
    if (owned.customerReference !== null && owned.customerReference !== customerReference) {
      log.info('the ordered number now carries another reference; not ours to release', { orderId: order.id, phoneNumber: order.phoneNumber });
      return 'not_ours';
    }
    // Telnyx would refuse to delete a number whose purchase is not complete: wait for it like a pending order.
    if (owned.status === 'purchase-pending') return 'pending';
    await releaseCall('number release', (options) => carrier.releaseNumber(owned.id, options));
    return 'released';
  }

  return {
    /**
     * Compensation: cancels the pending orders placed under this reference and releases every number
     * they bought. What cannot be settled yet (an order or number still pending) is counted in
     * `pendingOrders`, so the workflow can wait and call again.
     */
    async releaseOrderedNumbers(input: string | ReleaseOrderedNumbersInput): Promise<{ released: string[]; pendingOrders: number }> {
      const { customerReference, orderIds = [], maybePlacedOrder } = typeof input === 'string' ? { customerReference: input } : input;
      const done = new Set(previousProgress<ReleaseProgress>()?.released ?? []);
      recordProgress({ released: [...done] } satisfies ReleaseProgress);
      const orders = await releaseCall('order list', (options) => carrier.findOrdersByCustomerReference(customerReference, options));
      for (const orderId of orderIds) {
        if (orders.some((order) => order.id === orderId)) continue;
        const order = await readOrder(orderId);
        if (order) orders.push(order);
      }
      let pendingOrders = 0;
      if (maybePlacedOrder && !orders.some((order) => order.phoneNumber === maybePlacedOrder.phoneNumber)) {
        const stillLagging = Date.now() < maybePlacedOrder.listedByMs;
        log.warn(stillLagging ? 'an order that may have been placed is not listed yet; looking again' : 'an order that may have been placed was never listed', {
          customerReference,
          phoneNumber: maybePlacedOrder.phoneNumber,
        });
        if (stillLagging) pendingOrders += 1;
      }
      for (const listed of orders) {
        const order = listed.status === 'pending' ? await cancelPending(listed) : listed;
        if (order.status === 'failure' || done.has(order.phoneNumber)) continue;
        const outcome = order.status === 'pending' ? 'pending' : await releaseBought(order, customerReference);
        if (outcome === 'pending') pendingOrders += 1;
        if (outcome === 'released' || outcome === 'gone') {
          done.add(order.phoneNumber);
          recordProgress({ released: [...done] } satisfies ReleaseProgress);
        }
      }
      return { released: [...done], pendingOrders };
    },

    /** Releases an owned number by its carrier id; a number the carrier no longer has counts as released. */
    async releaseNumberAtCarrier(input: { carrierNumberId: string }): Promise<void> {
      await releaseCall('number release', (options) => carrier.releaseNumber(input.carrierNumberId, options));
    },
  };
}
