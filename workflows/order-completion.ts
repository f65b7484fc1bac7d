import { ApplicationFailure, condition } from '@temporalio/workflow';
import type { CarrierOrder } from '../carrier/carrier.js';
import { failureTypes } from '../domain/failures.js';
import type { OrderCompletedSignal } from '../domain/workflow-contract.js';

const maxPollIntervalMs = 5 * 60_000;

export interface AwaitOrderOptions {
  deadlineMs: number;
  /** First wait between polls; doubles up to 5 minutes. */
  pollIntervalMs: number;
  /** Latest status each order's completion webhook signalled, filled by the signal handler. */
  completions: Map<string, OrderCompletedSignal['status']>;
  getOrder(orderId: string): Promise<CarrierOrder>;
}

/**
 * Polls the order with backoff until it succeeds; a completion signal wakes the poll early, so late,
 * duplicate or missing webhooks change nothing but timing. The carrier's answer stays the truth.
 */
export async function awaitOrderCompletion(placed: CarrierOrder, options: AwaitOrderOptions): Promise<CarrierOrder> {
  const deadline = Date.now() + options.deadlineMs;
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
    order = await options.getOrder(orderId);
  }
}
