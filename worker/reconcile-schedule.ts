import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleUpdateOptions } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { defaultRepairMinAgeMs, reconcileScheduleId, type ReconcileInventoryInput } from '../domain/reconcile-contract.js';
import { workflowTypes } from '../domain/workflow-contract.js';

export type ReconcileScheduleConfig = Pick<
  Config,
  | 'RECONCILE_ENABLED' | 'RECONCILE_INTERVAL_MS' | 'RECONCILE_GRACE_MS' | 'RECONCILE_MAX_RELEASES' | 'RECONCILE_DRY_RUN'
  | 'DEPLOYMENT_ID' | 'TELNYX_CONNECTION_ID' | 'TEMPORAL_TASK_QUEUE'
>;

/** What `ensureReconcileSchedule` did; `disabled` means there was nothing to pause. */
export type ReconcileScheduleOutcome = 'created' | 'updated' | 'unchanged' | 'paused' | 'disabled';

/** Marks a pause made because of RECONCILE_ENABLED=false, so only such a pause is lifted again. */
const disabledNote = 'paused by temporal:setup: RECONCILE_ENABLED=false';
/** The note of such a pause from when every worker kept the schedule; lifted the same way. */
const earlierDisabledNote = 'paused by the worker: RECONCILE_ENABLED=false';

/** The sweep's whole input comes from here, so the schedule shows what each run does and whom it may touch. */
function desiredInput(config: ReconcileScheduleConfig): ReconcileInventoryInput {
  return {
    graceMs: config.RECONCILE_GRACE_MS,
    deploymentId: config.DEPLOYMENT_ID,
    connectionId: config.TELNYX_CONNECTION_ID,
    maxReleases: config.RECONCILE_MAX_RELEASES,
    dryRun: config.RECONCILE_DRY_RUN,
    repairMinAgeMs: defaultRepairMinAgeMs,
  };
}

function desiredSchedule(config: ReconcileScheduleConfig): Omit<ScheduleUpdateOptions, 'state'> {
  const input = desiredInput(config);
  return {
    spec: { intervals: [{ every: config.RECONCILE_INTERVAL_MS }] },
    action: {
      type: 'startWorkflow',
      workflowType: workflowTypes.reconcile,
      workflowId: reconcileScheduleId,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [input],
    },
    // A sweep still running when the next is due makes the next one pointless.
    policies: { overlap: 'SKIP' },
  };
}

function matches(current: ScheduleDescription, config: ReconcileScheduleConfig): boolean {
  const action = current.action.type === 'startWorkflow' ? current.action : undefined;
  const input = action?.args?.[0] as Partial<ReconcileInventoryInput> | undefined;
  const desired = desiredInput(config);
  return (
    current.spec.intervals?.length === 1 &&
    current.spec.intervals[0]?.every === config.RECONCILE_INTERVAL_MS &&
    action?.workflowType === workflowTypes.reconcile &&
    action.taskQueue === config.TEMPORAL_TASK_QUEUE &&
    input !== undefined &&
    Object.keys(desired).length === Object.keys(input).length &&
    Object.entries(desired).every(([key, value]) => input[key as keyof ReconcileInventoryInput] === value) &&
    current.policies.overlap === 'SKIP'
  );
}

/**
 * Creates the reconciliation schedule, or brings an existing one in line with the config (interval,
 * the sweep's input, task queue); RECONCILE_ENABLED=false pauses it. Called by `npm run temporal:setup`
 * and `npm start`, never by a worker: workers started with differing config would overwrite each other.
 * Safe to run concurrently and to rerun.
 */
export async function ensureReconcileSchedule(
  client: Client,
  config: ReconcileScheduleConfig,
  options: { scheduleId?: string } = {},
): Promise<ReconcileScheduleOutcome> {
  const scheduleId = options.scheduleId ?? reconcileScheduleId;
  const handle = client.schedule.getHandle(scheduleId);

  if (!config.RECONCILE_ENABLED) {
    try {
      const current = await handle.describe();
      if (current.state.paused) return 'disabled';
      await handle.pause(disabledNote);
      return 'paused';
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return 'disabled';
      throw error;
    }
  }

  try {
    await client.schedule.create({ scheduleId, ...desiredSchedule(config) });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }

  const current = await handle.describe();
  const pausedByUs = current.state.paused && (current.state.note === disabledNote || current.state.note === earlierDisabledNote);
  if (matches(current, config) && !pausedByUs) return 'unchanged';
  await handle.update((previous) => ({
    ...desiredSchedule(config),
    state: pausedByUs ? { paused: false, note: 'resumed by temporal:setup: RECONCILE_ENABLED=true' } : previous.state,
  }));
  return 'updated';
}

/**
 * `ensureReconcileSchedule` for `npm start`: logs the outcome; a failure is logged, not thrown, because
 * the local stack must not stop for want of its safety net (the next start tries again).
 */
export async function setUpReconcileSchedule(
  client: Client,
  config: ReconcileScheduleConfig,
  logger: Pick<Logger, 'info' | 'error'>,
): Promise<void> {
  try {
    const outcome = await ensureReconcileSchedule(client, config);
    logger.info(
      { scheduleId: reconcileScheduleId, outcome, intervalMs: config.RECONCILE_INTERVAL_MS, ...desiredInput(config) },
      'reconciliation schedule ensured',
    );
  } catch (error) {
    logger.error({ err: error, scheduleId: reconcileScheduleId }, 'could not ensure the reconciliation schedule');
  }
}
