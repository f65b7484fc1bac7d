import { ApplicationFailure, log } from '@temporalio/activity';
import type { Carrier, CarrierOrder } from '../carrier/carrier.js';
import { CarrierError } from '../carrier/errors.js';
import { carrierErrorTypes } from '../domain/carrier-failures.js';
import { maybePlacedOrderDetails, type MaybePlacedOrder } from '../domain/maybe-placed-order.js';
import { activityCallOptions, previousProgress, recordProgress, whileHeartbeating } from './activity-call-limits.js';
import { activityFailureOf, carrierCall } from './carrier-failure.js';

/** The longest pause between two looks at the order list while a create is unconfirmed. */
const unconfirmedPollMs = 5_000;

/** Retryable: an order may have been placed and the carrier's order list does not show it yet. */
export const orderUnconfirmedType = 'carrier_order_unconfirmed';

/**
 * Not retryable: past the settle window the carrier says the number is sold, an earlier create of that
 * very number may be what sold it (to us), and no order of ours is listed. The provisioning fails rather
 * than buy another number; compensation goes on looking for the order by reference.
 */
export const orderUnreconciledType = 'carrier_order_unreconciled';

/** What `placeOrder`'s heartbeats carry to the next attempt: a create sent whose outcome is unknown. */
interface OrderProgress {
  unconfirmed?: { phoneNumber: string; sentAtMs: number };
}

/** A create the carrier may have performed although its answer was lost: an outage, a timeout, a cut connection, an abort. */
function mayHaveCommitted(error: unknown): boolean {
  return !(error instanceof CarrierError) || error.type === carrierErrorTypes.unavailable;
}

function withMaybePlaced(error: unknown, maybePlaced: MaybePlacedOrder | undefined): unknown {
  if (!maybePlaced || !(error instanceof ApplicationFailure) || (error.details?.length ?? 0) > 0) return error;
  return ApplicationFailure.create({
    message: error.message,
    type: error.type ?? undefined,
    nonRetryable: error.nonRetryable ?? false,
    details: maybePlacedOrderDetails(maybePlaced),
    ...(error.nextRetryDelay === undefined ? {} : { nextRetryDelay: error.nextRetryDelay }),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  });
}

/**
 * Orders a number once per reference (the provisioning workflow id), even when Telnyx's order list lags.
 *
 * Each attempt first adopts a live order already placed under the reference. A create whose answer is
 * lost (5xx, timeout, cut connection) may have been placed, and the list by reference may not show it
 * yet: the attempt remembers it in its heartbeat details (written before the create is sent, so a crash
 * mid-create is remembered too). While that create is younger than `orderListSettleMs`, no attempt
 * creates again: each looks the order up and, not finding it, fails retryably (`carrier_order_unconfirmed`)
 * to look again a few seconds later. Creating again early is the double-buy: Telnyx answers "sold" for
 * the number our own lost create bought, which reads as "taken", and the workflow buys the next candidate.
 *
 * Past the window a new create is allowed. If it answers "taken" for the number whose create was lost,
 * that number may be ours, so this is not `carrier_number_taken` (which moves on to another number) but
 * the permanent `carrier_order_unreconciled`: provisioning fails and compensation looks the order up by
 * reference. A refusal that placed nothing (429, 4xx) forgets that create again.
 *
 * Every failure thrown while a create may have been placed carries it (`MaybePlacedOrder`) in its
 * details, so compensation keeps looking for the order until the list should show it.
 */
export function createPlaceOrder({ carrier, orderListSettleMs }: { carrier: Carrier; orderListSettleMs: number }) {
  return async function placeOrder(input: { phoneNumber: string; customerReference: string }): Promise<CarrierOrder> {
    const { phoneNumber, customerReference } = input;
    let unconfirmed = previousProgress<OrderProgress>()?.unconfirmed;
    const remember = (next: OrderProgress['unconfirmed']) => {
      unconfirmed = next;
      recordProgress({ unconfirmed } satisfies OrderProgress);
    };
    // This attempt's heartbeats carry it on, so it outlives this attempt too. With nothing to carry no
    // heartbeat is sent, so the one before a create is this attempt's first (see `whileHeartbeating`), which Temporal sends at once.
    if (unconfirmed) remember(unconfirmed);
    const listedBy = (): MaybePlacedOrder | undefined =>
      unconfirmed && { phoneNumber: unconfirmed.phoneNumber, listedByMs: unconfirmed.sentAtMs + orderListSettleMs };

    try {
      const listed = await carrierCall((options) => carrier.findOrdersByCustomerReference(customerReference, options));
      const live = listed.find((order) => order.status !== 'failure');
      if (live) {
        if (unconfirmed) log.warn('adopting the order a create whose answer was lost placed', { orderId: live.id, phoneNumber: live.phoneNumber });
        return live;
      }
      // A listed order for the number (failed) settles what the lost create did.
      if (unconfirmed && listed.some((order) => order.phoneNumber === unconfirmed?.phoneNumber)) remember(undefined);
      if (unconfirmed && Date.now() < unconfirmed.sentAtMs + orderListSettleMs) {
        const waitedMs = Date.now() - unconfirmed.sentAtMs;
        throw ApplicationFailure.create({
          message: `the order for ${unconfirmed.phoneNumber} may have been placed ${Math.round(waitedMs / 1000)} s ago; waiting for the carrier's order list to show it`,
          type: orderUnconfirmedType,
          nonRetryable: false,
          nextRetryDelay: Math.max(100, Math.min(unconfirmedPollMs, unconfirmed.sentAtMs + orderListSettleMs - Date.now())),
        });
      }

      const earlier = unconfirmed;
      remember({ phoneNumber, sentAtMs: Date.now() });
      try {
        return await whileHeartbeating(() => carrier.createOrder(phoneNumber, customerReference, activityCallOptions()));
      } catch (error) {
        if (mayHaveCommitted(error)) {
          // Lists are often consistent at once: one look now saves the wait.
          const adopted = await carrierCall((options) => carrier.findOrdersByCustomerReference(customerReference, options)).catch(() => []);
          const found = adopted.find((order) => order.status !== 'failure');
          if (found) {
            log.warn('order create failed ambiguously; adopting the committed order', { orderId: found.id });
            return found;
          }
          throw activityFailureOf(error);
        }
        remember(earlier);
        if (error instanceof CarrierError && error.type === carrierErrorTypes.numberTaken && earlier?.phoneNumber === phoneNumber) {
          log.error('the carrier says a number is sold that an earlier create of ours may have bought, and lists no order of ours; failing rather than buying another', {
            phoneNumber,
            customerReference,
          });
          const maybePlaced = { phoneNumber, listedByMs: Date.now() + orderListSettleMs };
          throw withMaybePlaced(
            ApplicationFailure.nonRetryable(
              `${phoneNumber} is sold, possibly to this provisioning's earlier create whose answer was lost, and no order of ours is listed: ${error.message}`,
              orderUnreconciledType,
            ),
            maybePlaced,
          );
        }
        throw activityFailureOf(error);
      }
    } catch (error) {
      throw withMaybePlaced(error, listedBy());
    }
  };
}
