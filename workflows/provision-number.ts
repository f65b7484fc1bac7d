import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
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
import { carrierErrorTypes } from '../carrier/errors.js';
import { failureTypes } from '../domain/failures.js';
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
import { failureType, provisioningFailure, reservationFailure } from './failures.js';
import { awaitOrderCompletion } from './order-completion.js';
import { watchPendingOrders } from './watch-pending-orders.js';
import { carrierRelease, databaseWrite } from './activity-presets.js';

/** Inventory search: a few quick attempts, then the request fails. */
const carrierSearch = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 5 },
} as const;

/** Order create: every attempt first adopts an order already placed under the workflow id, so retries never buy twice. */
const carrierOrder = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 8 },
} as const;

/** Order polls and configuration: bounded; the order deadline and compensation cover what lies beyond. */
const carrierRead = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 10 },
} as const;

const remoteRowWrites = proxyActivities<Activities>(databaseWrite);
const localRowWrites = proxyLocalActivities<Activities>(databaseWrite);
const search = proxyActivities<Activities>(carrierSearch);
const ordering = proxyActivities<Activities>(carrierOrder);
const reads = proxyActivities<Activities>(carrierRead);
const releases = proxyActivities<Activities>(carrierRelease);

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

/** Reserve, search, order, await completion, configure, register; releases what it bought on any failure. */
export async function provisionNumber(input: ProvisionNumberInput): Promise<ProvisionNumberResult> {
  const { workflowId } = workflowInfo();
  const db = patched(localRowWritesPatch) ? localRowWrites : remoteRowWrites;
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
    db.recordProvisioningStep.executeWithOptions({ summary: `Record step ${step}` }, [
      { phoneNumberId: input.phoneNumberId, workflowId, step, ...fields },
    ]);

  enter('reserving');
  try {
    // Not cancellable: a cancel must never leave a half-known reservation behind.
    await CancellationScope.nonCancellable(() =>
      db.reserveNumber.executeWithOptions({ summary: `Reserve a number slot for @${input.agentHandle}` }, [{ ...input, workflowId }]),
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
    const found = await search.searchNumbers.executeWithOptions({ summary: `Search ${input.type} numbers${input.state ? ` in ${input.state}` : ''}` }, [
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
    upsertSearchAttributes([{ key: searchAttributes.phoneNumber, value: placed.phoneNumber }]);

    enter('awaiting_completion');
    await recordStep('awaiting_completion', { number: placed.phoneNumber, carrierOrderId: placed.id });
    await awaitOrderCompletion(placed, {
      deadlineMs: input.orderDeadlineMs,
      pollIntervalMs: input.orderPollIntervalMs ?? 1000,
      completions,
      getOrder: (orderId) => reads.getOrder.executeWithOptions({ summary: `Check carrier order ${orderId}` }, [orderId]),
    });

    enter('configuring');
    await recordStep('configuring');
    const { carrierNumberId } = await reads.configureNumber.executeWithOptions({ summary: `Attach ${placed.phoneNumber} to the voice connection` }, [
      { phoneNumber: placed.phoneNumber, organizationId: input.organizationId },
    ]);

    enter('registering');
    await db.registerNumber.executeWithOptions({ summary: `Register ${placed.phoneNumber} as active` }, [
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
    await CancellationScope.nonCancellable(async () => {
      let leftPending = false;
      if (mayHaveBought) {
        enter('compensating');
        await recordStep('compensating');
        leftPending = await releaseWhatWasBought(workflowId, {
          maxWaitMs: Math.min(input.orderDeadlineMs, maxCompensationWaitMs),
          releaseOrderedNumbers: (reference) =>
            releases.releaseOrderedNumbers.executeWithOptions({ summary: 'Release every number this provisioning ordered' }, [reference]),
        });
      }
      const reason = failure?.message ?? 'Provisioning was cancelled; nothing bought was kept';
      let pendingNote = ' (an order was still pending at the carrier)';
      if (leftPending && patched(handPendingOrdersToWatcher)) {
        // The slot is freed now; the watcher releases the number should the order still complete.
        const watcherId = workflowIds.watchPendingOrders(input.phoneNumberId);
        await startChild(watchPendingOrders, { workflowId: watcherId, args: [workflowId], parentClosePolicy: 'ABANDON' });
        pendingNote = ` (an order was still pending at the carrier; ${watcherId} releases it if it completes)`;
      }
      await db.failProvisioning.executeWithOptions({ summary: 'Mark the provisioning failed' }, [
        { phoneNumberId: input.phoneNumberId, workflowId, reason: leftPending ? `${reason}${pendingNote}` : reason },
      ]);
      enter('failed');
    });
    await condition(allHandlersFinished);
    throw failure ?? error;
  }
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
      return await ordering.placeOrder.executeWithOptions({ summary: `Order ${candidate.phoneNumber}` }, [
        { phoneNumber: candidate.phoneNumber, customerReference: workflowId },
      ]);
    } catch (error) {
      if (failureType(error) !== carrierErrorTypes.numberTaken) throw error;
      log.info('candidate number was taken; trying the next one', { phoneNumber: candidate.phoneNumber });
    }
  }
  throw ApplicationFailure.nonRetryable('Every candidate number was sold to someone else before it could be ordered', failureTypes.carrierFailed);
}
