import { ApplicationFailure, condition } from '@temporalio/workflow';
import type { CarrierOrder } from '../carrier/carrier.js';
import { failureTypes } from '../domain/failures.js';
import type { OrderCompletedSignal } from '../domain/workflow-contract.js';

/** The usual cap on the pause between two polls. */
const usualMaxPollIntervalMs = 5 * 60_000;
/**
 * At most this many timer-driven polls per deadline: about 11 events each, so even the 7-day maximum
 * ORDER_DEADLINE_MS stays near 6,600 events, far under Temporal's 50k-event limit (each event here is
 * small, so the 50 MB limit is further still). Up to 50 hours the usual 5-minute cap is the tighter one.
 */
const maxPollsPerDeadline = 600;

export interface AwaitOrderOptions {
  deadlineMs: number;
  /** First wait between polls; doubles up to 5 minutes. */
  pollIntervalMs: number;
  /** Latest status each order's completion webhook signalled, filled by the signal handler. */
  completions: Map<string, OrderCompletedSignal['status']>;
  /** Reads the order; `remainingMs` is what is left of the deadline, so its retries can last that long. */
  getOrder(orderId: string, remainingMs: number): Promise<CarrierOrder>;
}

/**
 * Polls the order with backoff until it succeeds; a completion signal wakes the poll early, so late,
 * duplicate or missing webhooks change nothing but timing. The carrier's answer stays the truth.
 */
export async function awaitOrderCompletion(placed: CarrierOrder, options: AwaitOrderOptions): Promise<CarrierOrder> {
  const deadline = Date.now() + options.deadlineMs;
  const maxPollIntervalMs = Math.max(usualMaxPollIntervalMs, Math.ceil(options.deadlineMs / maxPollsPerDeadline));
  let delay = options.pollIntervalMs;
  let order = placed;
  for (;;) {
    if (order.status === 'success') return order;
    if (order.status === 'failure') throw ApplicationFailure.nonRetryable('The carrier failed the order', failureTypes.carrierFailed);
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw ApplicationFailure.nonRetryable(
        `The carrier order was still pending after ${Math.round(options.deadlineMs / 1000)} s`,
        failureTypes.carrierFailed,
      );
    }
    const orderId = order.id;
    const signalled = await condition(() => (options.completions.get(orderId) ?? 'pending') !== 'pending', Math.min(delay, remaining));
    if (signalled) options.completions.delete(orderId);
    else delay = Math.min(delay * 2, maxPollIntervalMs);
    order = await options.getOrder(orderId, deadline - Date.now());
  }
}
