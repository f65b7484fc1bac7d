import { log, sleep } from '@temporalio/workflow';

export interface CompensationOptions {
  /** How long to wait for orders still pending at the carrier to settle. */
  maxWaitMs: number;
  /** The longest pause between two looks at a pending order (default 1 minute). */
  maxPollIntervalMs?: number;
  releaseOrderedNumbers(customerReference: string): Promise<{ released: string[]; pendingOrders: number }>;
}

/**
 * Releases every number bought under this customer reference (the workflow id), looking orders up at
 * the carrier rather than trusting what the workflow saw, so an order whose answer was lost is found
 * too. A pending order cannot be released yet: wait (bounded) for it to settle, then release.
 * Resolves whether an order was still pending when the wait ended.
 */
export async function releaseWhatWasBought(customerReference: string, options: CompensationOptions): Promise<boolean> {
  const giveUpAt = Date.now() + options.maxWaitMs;
  let delay = 1000;
  for (;;) {
    const { pendingOrders } = await options.releaseOrderedNumbers(customerReference);
    if (pendingOrders === 0) return false;
    const remaining = giveUpAt - Date.now();
    if (remaining <= 0) {
      log.error('an order was still pending when compensation stopped waiting', { customerReference });
      return true;
    }
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, options.maxPollIntervalMs ?? 60_000);
  }
}
