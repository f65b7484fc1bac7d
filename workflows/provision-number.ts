import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  type LocalActivityOptions,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';
import type { AvailableNumber, CarrierOrder } from '../carrier/carrier.js';
import { carrierErrorTypes } from '../domain/carrier-failures.js';
import { failureTypes, provisioningFailureTypes } from '../domain/failures.js';
import { maybePlacedOrderOf, type MaybePlacedOrder } from '../domain/maybe-placed-order.js';
import { searchAttributes } from '../domain/search-attributes.js';
import {
  orderCompletedSignal,
  progressQuery,
  reservationUpdate,
  workflowIds,
  type OrderCompletedSignal,
  type ProvisioningProgress,
  type ProvisioningStep,
  type ProvisionNumberInput,
  type ProvisionNumberResult,
} from '../domain/workflow-contract.js';
import { releaseWhatWasBought } from './compensation.js';
import { failureMessage, failureType, provisioningFailure, reservationFailure } from './failures.js';
import { awaitOrderCompletion } from './order-completion.js';
import { watchPendingOrders } from './watch-pending-orders.js';
import { carrierHeartbeatTimeout, carrierReleaseFirstBudget, rowStatement } from './activity-presets.js';

/** Inventory search: a few quick attempts, then the request fails. */
const carrierSearch = {
  startToCloseTimeout: '15 seconds',
  heartbeatTimeout: carrierHeartbeatTimeout,
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 5 },
} as const;

/**
 * Order create: every attempt first adopts an order already placed under the workflow id, so retries never
 * buy twice. After a create whose answer was lost, attempts only look for its order (every 5 s at most,
 * `nextRetryDelay`) until the carrier's list should show it (45 s, `orderListSettleMs`): 30 attempts cover
 * two such windows and the creates between them; an outage that answers every call ends it after about 6 minutes.
 */
const carrierOrder = {
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: carrierHeartbeatTimeout,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 30 },
} as const;

/** The least a call after a purchase keeps retrying, even at the order deadline (the old attempt budget's span). */
const minAfterPurchaseBudgetMs = 60_000;

/**
 * Order polls and configuration, after a purchase: a number is bought, so a carrier blip must not
 * undo it. Each call retries with no attempt cap for `budgetMs` (what remains of the order deadline,
 * at least a minute); the pause between attempts grows to a twentieth of the order deadline, 1-10 s.
 */
function carrierAfterPurchase(orderDeadlineMs: number, budgetMs: number) {
  return {
    startToCloseTimeout: '15 seconds',
    heartbeatTimeout: carrierHeartbeatTimeout,
    scheduleToCloseTimeout: Math.max(budgetMs, minAfterPurchaseBudgetMs),
    retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: Math.min(10_000, Math.max(1000, Math.round(orderDeadlineMs / 20))) },
  } as const;
}

/**
 * The same call as a local activity: the same timeouts and retries, run in the workflow's own task.
 * No heartbeat timeout: a local activity's cancellation reaches it without one. Backoffs past the
 * local retry threshold (1 minute; only a carrier's Retry-After asks for more) wait on a timer.
 */
function asLocal({ heartbeatTimeout: _, ...options }: { heartbeatTimeout: string } & LocalActivityOptions): LocalActivityOptions {
  return options;
}

const remoteRowWrites = proxyActivities<Activities>(rowStatement);
const localRowWrites = proxyLocalActivities<Activities>(rowStatement);
const remoteNumberSearch = proxyActivities<Activities>(carrierSearch);
const localNumberSearch = proxyLocalActivities<Activities>(asLocal(carrierSearch));
const orderPlacement = proxyActivities<Activities>(carrierOrder);
const releases = proxyActivities<Activities>(carrierReleaseFirstBudget);

/** Candidates tried when the chosen number was sold to someone else meanwhile. */
const maxCandidates = 3;
/** How long compensation waits for a still-pending order to settle before recording it as left pending. */
const maxCompensationWaitMs = 60 * 60_000;
/** Patch id: candidates drawn at random from a wider search. */
const spreadCandidatesPatch = 'spread-candidates';
/** How many numbers the search asks for, to draw candidates from. */
const searchWidth = 20;
/** Patch id: compensation hands an order still pending after its wait to `watchPendingOrders`. */
const handPendingOrdersToWatcher = 'hand-pending-orders-to-watcher';
/** Patch id: row writes run as local activities in the workflow's own task, without a server round trip each. */
const localRowWritesPatch = 'local-row-writes';
/**
 * Patch id: compensation whose release the carrier refuses past its first budget hands the release to
 * `watchPendingOrders` and the row is marked failed whatever compensation did (before: the workflow
 * failed and the row stayed `provisioning`).
 */
const settleRowWhateverCompensationDoesPatch = 'settle-row-whatever-compensation-does';
/**
 * Patch id: when `placeOrder` failed with an order that may have been placed and is not listed yet (a
 * create whose answer was lost), compensation is told, and keeps looking until the list should show it.
 */
const lookForUnlistedOrderPatch = 'look-for-unlisted-order';
/**
 * Patch id: an order the carrier completed at creation goes straight to `configuring`: one row write
 * (the number, the order id and the step) and one search attribute upsert (the number and the step),
 * instead of `awaiting_completion` and `configuring` written and upserted one after the other. That is
 * one local activity, one activation and one upsert fewer per provisioning. A pending order still
 * records `awaiting_completion` before its wait.
 */
const completedOrderSkipsAwaitingPatch = 'completed-order-skips-awaiting';
/**
 * Patch id: the inventory search and the number configuration run as local activities (both are
 * idempotent: a search reads, a configuration sets the same settings again), with the same timeouts,
 * retries and Retry-After; the order stays an activity through the server, with its heartbeats. That is
 * two activity tasks and two workflow tasks through the server fewer per provisioning.
 */
const localCarrierCallsPatch = 'local-carrier-calls';

/**
 * Reserve, search, order, await completion, configure, register; releases what it bought on any failure.
 *
 * Compensation is bounded: it waits at most an hour for a pending order and gives a refused release a
 * first budget of about 15 s. What it cannot finish (an order still pending, a release the carrier
 * refuses) goes to `watchPendingOrders`, which outlives this workflow and retries until the carrier
 * confirms, so the number is never owned by nobody. The row is marked failed in a `finally`, so the
 * slot is freed and the row reaches its terminal state whatever compensation did.
 */
export async function provisionNumber(input: ProvisionNumberInput): Promise<ProvisionNumberResult> {
  const { workflowId } = workflowInfo();
  const rowWrites = patched(localRowWritesPatch) ? localRowWrites : remoteRowWrites;
  const localCarrierCalls = patched(localCarrierCallsPatch);
  const progress: ProvisioningProgress = { step: 'reserving', phoneNumber: null, orderId: null, attempts: 0 };
  const completions = new Map<string, OrderCompletedSignal['status']>();
  let reservation: { failure: ApplicationFailure | null } | undefined;

  setHandler(progressQuery, () => progress);
  setHandler(orderCompletedSignal, ({ orderId, status }) => void completions.set(orderId, status));
  setHandler(reservationUpdate, async () => {
    await condition(() => reservation !== undefined);
    if (reservation?.failure) throw reservation.failure;
    return { phoneNumberId: input.phoneNumberId };
  });

  const enter = (step: ProvisioningStep) => {
    progress.step = step;
    upsertSearchAttributes([{ key: searchAttributes.provisioningStep, value: step }]);
  };
  const recordStep = (step: ProvisioningStep, fields: { number?: string; carrierOrderId?: string } = {}) =>
    rowWrites.recordProvisioningStep.executeWithOptions({ summary: `Record step ${step}` }, [
      { phoneNumberId: input.phoneNumberId, workflowId, step, ...fields },
    ]);

  enter('reserving');
  try {
    // Not cancellable: a cancel must never leave a half-known reservation behind.
    await CancellationScope.nonCancellable(() =>
      rowWrites.reserveNumber.executeWithOptions({ summary: `Reserve a number slot for @${input.agentHandle}` }, [{ ...input, workflowId }]),
    );
    reservation = { failure: null };
  } catch (error) {
    reservation = { failure: reservationFailure(error) };
    enter('failed');
    await condition(allHandlersFinished);
    throw reservation.failure;
  }

  let mayHaveBought = false;
  try {
    enter('searching');
    const spreadCandidates = patched(spreadCandidatesPatch);
    const numberSearch = localCarrierCalls ? localNumberSearch : remoteNumberSearch;
    const found = await numberSearch.searchNumbers.executeWithOptions({ summary: `Search ${input.type} numbers${input.state ? ` in ${input.state}` : ''}` }, [
      { type: input.type, state: input.state, limit: spreadCandidates ? searchWidth : maxCandidates + 2 },
    ]);

    enter('ordering');
    mayHaveBought = true;
    // Concurrent provisionings see the same first search results; picking at random among a wider
    // search keeps them from all racing for one number (Math.random is replay-safe in workflows).
    const candidates = spreadCandidates ? shuffled(found) : found;
    const placed = await CancellationScope.nonCancellable(() => orderFirstAvailable(candidates, workflowId, progress));
    progress.orderId = placed.id;
    progress.phoneNumber = placed.phoneNumber;
    const ordered = { number: placed.phoneNumber, carrierOrderId: placed.id };
    if (placed.status === 'success' && patched(completedOrderSkipsAwaitingPatch)) {
      progress.step = 'configuring';
      upsertSearchAttributes([
        { key: searchAttributes.phoneNumber, value: placed.phoneNumber },
        { key: searchAttributes.provisioningStep, value: 'configuring' },
      ]);
      await recordStep('configuring', ordered);
    } else {
      upsertSearchAttributes([{ key: searchAttributes.phoneNumber, value: placed.phoneNumber }]);
      enter('awaiting_completion');
      await recordStep('awaiting_completion', ordered);
      await awaitOrderCompletion(placed, {
        deadlineMs: input.orderDeadlineMs,
        pollIntervalMs: input.orderPollIntervalMs ?? 1000,
        completions,
        getOrder: (orderId, remainingMs) =>
          proxyActivities<Activities>(carrierAfterPurchase(input.orderDeadlineMs, remainingMs)).getOrder.executeWithOptions(
            { summary: `Check carrier order ${orderId}` },
            [orderId],
          ),
      });

      enter('configuring');
      await recordStep('configuring');
    }
    const configurationOptions = carrierAfterPurchase(input.orderDeadlineMs, input.orderDeadlineMs);
    const numberConfiguration = localCarrierCalls
      ? proxyLocalActivities<Activities>(asLocal(configurationOptions))
      : proxyActivities<Activities>(configurationOptions);
    const { carrierNumberId } = await numberConfiguration.configureNumber.executeWithOptions({ summary: `Attach ${placed.phoneNumber} to the voice connection` }, [
      // The workflow id on the number itself ties it to this provisioning for reconciliation.
      { phoneNumber: placed.phoneNumber, organizationId: input.organizationId, customerReference: workflowId },
    ]);

    enter('registering');
    await rowWrites.registerNumber.executeWithOptions({ summary: `Register ${placed.phoneNumber} as active` }, [
      {
        phoneNumberId: input.phoneNumberId,
        workflowId,
        number: placed.phoneNumber,
        carrierOrderId: placed.id,
        carrierNumberId,
        state: candidates.find((candidate) => candidate.phoneNumber === placed.phoneNumber)?.state ?? null,
      },
    ]);
    enter('completed');
    await condition(allHandlersFinished);
    return { phoneNumberId: input.phoneNumberId, number: placed.phoneNumber };
  } catch (error) {
    const failedAt = progress.step;
    const failure = isCancellation(error) ? null : provisioningFailure(error, failedAt);
    const unlisted = maybePlacedOrderIn(error);
    const maybePlacedOrder = unlisted && patched(lookForUnlistedOrderPatch) ? unlisted : undefined;
    await CancellationScope.nonCancellable(async () => {
      const reason = failure?.message ?? 'Provisioning was cancelled; nothing bought was kept';
      const watcherId = workflowIds.watchPendingOrders(input.phoneNumberId);
      let note = '';
      let compensated = false;
      try {
        let leftPending = false;
        let refused: unknown;
        if (mayHaveBought) {
          enter('compensating');
          await recordStep('compensating');
          try {
            leftPending = await releaseWhatWasBought(workflowId, {
              maxWaitMs: Math.min(input.orderDeadlineMs, maxCompensationWaitMs),
              releaseOrderedNumbers: (customerReference) =>
                releases.releaseOrderedNumbers.executeWithOptions({ summary: 'Release every number this provisioning ordered' }, [
                  maybePlacedOrder
                    ? { customerReference, orderIds: progress.orderId ? [progress.orderId] : [], maybePlacedOrder }
                    : progress.orderId
                      ? { customerReference, orderIds: [progress.orderId] }
                      : customerReference,
                ]),
            });
          } catch (compensationError) {
            if (!patched(settleRowWhateverCompensationDoesPatch)) throw compensationError;
            refused = compensationError;
          }
        }
        if (refused !== undefined) {
          // The carrier refuses the release (a revoked key, an account on hold): the slot is freed now and
          // the watcher, which outlives this workflow, retries until the carrier confirms.
          const message = failureMessage(refused);
          log.error('the carrier refused to release what this provisioning bought; a watcher retries it', { watcherId, error: message });
          await startChild(watchPendingOrders, { workflowId: watcherId, args: [workflowId, { releaseRefused: message }], parentClosePolicy: 'ABANDON' });
          note = ` (the carrier refused the release: ${message}; ${watcherId} retries it until the carrier confirms)`;
        } else if (leftPending) {
          note = ' (an order was still pending at the carrier)';
          if (patched(handPendingOrdersToWatcher)) {
            // The slot is freed now; the watcher releases the number should the order still complete.
            await startChild(watchPendingOrders, { workflowId: watcherId, args: [workflowId], parentClosePolicy: 'ABANDON' });
            note = ` (an order was still pending at the carrier; ${watcherId} releases it if it completes)`;
          }
        }
        compensated = true;
      } finally {
        // The row reaches its terminal state whatever compensation did; runs from before the patch
        // (no marker in their history) failed here instead, and replay keeps them so.
        if (compensated || patched(settleRowWhateverCompensationDoesPatch)) {
          await rowWrites.failProvisioning.executeWithOptions({ summary: 'Mark the provisioning failed' }, [
            // The type is what the customer is told; the reason (carrier text, watcher id) is for operators.
            { phoneNumberId: input.phoneNumberId, workflowId, reason: `${reason}${note}`, failureType: failure ? failure.type : provisioningFailureTypes.cancelled },
          ]);
          enter('failed');
        }
      }
    });
    await condition(allHandlersFinished);
    throw failure ?? error;
  }
}

/** The order a failed `placeOrder` says may have been placed but is not listed yet (in its failure details). */
function maybePlacedOrderIn(error: unknown): MaybePlacedOrder | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  return cause instanceof ApplicationFailure ? maybePlacedOrderOf(cause.details) : undefined;
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Orders the first candidate not taken meanwhile, trying a bounded number of them. */
async function orderFirstAvailable(candidates: AvailableNumber[], workflowId: string, progress: ProvisioningProgress): Promise<CarrierOrder> {
  for (const candidate of candidates.slice(0, maxCandidates)) {
    progress.attempts += 1;
    progress.phoneNumber = candidate.phoneNumber;
    try {
      return await orderPlacement.placeOrder.executeWithOptions({ summary: `Order ${candidate.phoneNumber}` }, [
        { phoneNumber: candidate.phoneNumber, customerReference: workflowId },
      ]);
    } catch (error) {
      if (failureType(error) !== carrierErrorTypes.numberTaken) throw error;
      log.info('candidate number was taken; trying the next one', { phoneNumber: candidate.phoneNumber });
    }
  }
  throw ApplicationFailure.nonRetryable('Every candidate number was sold to someone else before it could be ordered', failureTypes.carrierFailed);
}
