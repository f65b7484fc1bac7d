import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';
import { releaseMarkedUpdate, type ReleaseNumberInput } from '../domain/workflow-contract.js';
import { carrierRelease, carrierReleaseFirstBudget, rowStatement } from './activity-presets.js';
import { releaseRetriesUntilConfirmedPatch, reportReleaseConfirmed, reportReleaseRefused, retryUntilConfirmed } from './carrier-release.js';

const rowWrites = proxyActivities<Activities>(rowStatement);
const rowReads = proxyActivities<Activities>(rowStatement);
const releases = proxyActivities<Activities>(carrierReleaseFirstBudget);
const persistentReleases = proxyActivities<Activities>(carrierRelease);

/** Patch id: the wait for a cancelled provisioning continues as new after `maxPollsPerRun` looks. */
const releaseWaitContinuesAsNewPatch = 'release-wait-continues-as-new';
/** 500 looks, 30 s apart once backed off: about 4 hours and 5,500 events per run, well under Temporal's 50k. */
const defaultMaxPollsPerRun = 500;

/**
 * Marks the number released and unlinked at once (what `releaseMarked` waits for), then releases it at
 * the carrier until confirmed. A number still provisioning is cancelled first; its own compensation
 * releases whatever it bought. Idempotent: a released number is finished, a failed one left failed.
 *
 * A carrier that refuses the release (a revoked key, an account on hold, a 422) never ends this
 * workflow: past a first budget of about 15 s it logs the carrier's error, sets `CarrierRelease =
 * retrying`, and keeps retrying with capped backoff until the carrier confirms (`released`).
 *
 * Histories stay bounded: the wait for a provisioning continues as new every `maxPollsPerRun` looks,
 * but only with no `releaseMarked` update in flight (continuing would drop it). While one is, the wait
 * is bounded by provisioning itself, whose row settles once its compensation's bounded wait ends.
 */
export async function releaseNumber(input: ReleaseNumberInput): Promise<void> {
  const { phoneNumberId } = input;
  const maxPollsPerRun = input.maxPollsPerRun ?? defaultMaxPollsPerRun;
  let marked = false;
  setHandler(releaseMarkedUpdate, async () => {
    await condition(() => marked);
    return { phoneNumberId };
  });

  let target = await rowWrites.markReleased.executeWithOptions({ summary: 'Mark the number released' }, [{ phoneNumberId }]);
  if (target.status === 'provisioning' && target.workflowId) {
    if (!input.provisioningCancelled) await cancelProvisioning(target.workflowId);
    if (!(await waitWhileProvisioning(phoneNumberId, maxPollsPerRun))) {
      await continueAsNew<typeof releaseNumber>({ ...input, provisioningCancelled: true });
    }
    target = await rowWrites.markReleased.executeWithOptions({ summary: 'Mark the cancelled provisioning released' }, [{ phoneNumberId, fromFailed: true }]);
  }
  marked = true;

  // Only a number that went active has a carrier id; anything bought by a cancelled provisioning was released by it.
  if (target.status === 'released' && target.carrierNumberId && !target.carrierReleased) {
    const args = [{ carrierNumberId: target.carrierNumberId }] as const;
    const summary = `Release ${target.number ?? target.carrierNumberId} at the carrier`;
    try {
      await releases.releaseNumberAtCarrier.executeWithOptions({ summary }, [...args]);
    } catch (error) {
      if (isCancellation(error) || !patched(releaseRetriesUntilConfirmedPatch)) throw error;
      const context = { phoneNumberId, number: target.number, carrierNumberId: target.carrierNumberId };
      reportReleaseRefused(error, context);
      const confirmed = await retryUntilConfirmed(
        () => persistentReleases.releaseNumberAtCarrier.executeWithOptions({ summary: `${summary} (retrying until confirmed)` }, [...args]),
        context,
        maxPollsPerRun,
      );
      if (!confirmed) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof releaseNumber>(input);
      }
      reportReleaseConfirmed(context);
    }
    await rowWrites.recordCarrierReleased.executeWithOptions({ summary: 'Record the carrier release' }, [phoneNumberId]);
  }
  await condition(allHandlersFinished);
}

async function cancelProvisioning(workflowId: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(workflowId).cancel();
  } catch (error) {
    // Already closed: its row is about to leave (or has left) provisioning on its own.
    log.warn('could not cancel the provisioning workflow', { workflowId, error: String(error) });
  }
}

/** Resolves true once the row left provisioning, false when this run should continue as new instead. */
async function waitWhileProvisioning(phoneNumberId: string, maxPolls: number): Promise<boolean> {
  let delay = 200;
  for (let polls = 1; ; polls += 1) {
    const target = await rowReads.readReleaseTarget.executeWithOptions({ summary: 'Check whether provisioning has ended' }, [phoneNumberId]);
    if (target.status !== 'provisioning') return true;
    // An accepted `releaseMarked` must reach its caller: continuing as new now would drop it.
    if (polls >= maxPolls && allHandlersFinished() && patched(releaseWaitContinuesAsNewPatch)) return false;
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
  }
}
