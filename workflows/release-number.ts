import { allHandlersFinished, condition, getExternalWorkflowHandle, log, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';
import type { ReleaseTarget } from '../activities/database-activities.js';
import { releaseMarkedUpdate, type ReleaseNumberInput } from '../domain/workflow-contract.js';
import { carrierRelease, databaseWrite } from './activity-presets.js';

const db = proxyActivities<Activities>(databaseWrite);
const carrier = proxyActivities<Activities>(carrierRelease);

/**
 * Marks the number released and unlinked at once (what `releaseMarked` waits for), then releases it at
 * the carrier until confirmed. A number still provisioning is cancelled first; its own compensation
 * releases whatever it bought. Idempotent: a released number is finished, a failed one left failed.
 */
export async function releaseNumber(input: ReleaseNumberInput): Promise<void> {
  const { phoneNumberId } = input;
  let marked = false;
  setHandler(releaseMarkedUpdate, async () => {
    await condition(() => marked);
    return { phoneNumberId };
  });

  let target = await db.markReleased.executeWithOptions({ summary: 'Mark the number released' }, [{ phoneNumberId }]);
  if (target.status === 'provisioning' && target.workflowId) {
    await cancelProvisioning(target.workflowId);
    await waitWhileProvisioning(phoneNumberId);
    target = await db.markReleased.executeWithOptions({ summary: 'Mark the cancelled provisioning released' }, [{ phoneNumberId, fromFailed: true }]);
  }
  marked = true;

  // Only a number that went active has a carrier id; anything bought by a cancelled provisioning was released by it.
  if (target.status === 'released' && target.carrierNumberId && !target.carrierReleased) {
    await carrier.releaseNumberAtCarrier.executeWithOptions({ summary: `Release ${target.number ?? target.carrierNumberId} at the carrier` }, [
      { carrierNumberId: target.carrierNumberId },
    ]);
    await db.recordCarrierReleased.executeWithOptions({ summary: 'Record the carrier release' }, [phoneNumberId]);
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

async function waitWhileProvisioning(phoneNumberId: string): Promise<ReleaseTarget> {
  let delay = 200;
  for (;;) {
    const target = await db.readReleaseTarget.executeWithOptions({ summary: 'Check whether provisioning has ended' }, [phoneNumberId]);
    if (target.status !== 'provisioning') return target;
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
  }
}
