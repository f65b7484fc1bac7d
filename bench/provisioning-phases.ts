import type { Client } from '@temporalio/client';
import { EventType, eventMs, fetchEvents, localActivityCompleteMs, type HistoryEvent } from './history-times.js';
import { percentile } from './stats.js';

/** One provisioning through the API, by the bench's clock (epoch ms), and its workflow. */
export interface TimedProvisioning {
  workflowId: string;
  sentAtMs: number;
  receivedAtMs: number;
}

/** Where a provisioning's time went: ms per phase, and how many intervals of it one provisioning had. */
type Split = Map<string, { ms: number; count: number }>;

export interface EnginePhase {
  phase: string;
  meanMs: number;
  p50Ms: number;
  /** Mean number of such intervals per provisioning (tasks, activities). */
  perProvisioning: number;
}

/** `POST /numbers` → 201 of a sample of a run's provisionings, split by their histories' event times. */
export interface ProvisioningPhases {
  sampled: number;
  /** Mean of the sampled provisionings' request → 201 (the phases add up to it). */
  meanMs: number;
  phases: EnginePhase[];
}

/** The phases in the order they are shown (an `of which` phase is part of the one above it). */
export const phaseNames = {
  start: 'API: request → workflow started',
  taskQueue: 'workflow task scheduled → started',
  taskRun: 'workflow task started → completed (workflow code, local activities excluded)',
  local: 'local activities inside tasks (task start or previous local activity → its complete_time)',
  activityQueue: 'activity task scheduled → started',
  activityRun: 'activity task started → completed',
  between: 'between tasks (task completed → activity scheduled, activity completed → task scheduled, last task → workflow completed)',
  result: 'API: workflow completed → 201 received (result long poll, row read, response)',
} as const;
const ofWhich = (phase: string, type: string) => `  of which ${type} (${phase === phaseNames.local ? 'local' : 'remote'})`;

function add(split: Split, phase: string, ms: number): void {
  const entry = split.get(phase) ?? { ms: 0, count: 0 };
  entry.ms += ms;
  entry.count += 1;
  split.set(phase, entry);
}

/**
 * Splits one provisioning's time, request sent → 201 received, along its history: each workflow task's
 * schedule-to-start and start-to-complete (the local activities recorded by its markers taken out), each
 * activity task's schedule-to-start and start-to-complete (also by activity type), the gaps between, and
 * the API's part at either end. Undefined when the history is incomplete.
 */
export function splitHistory(events: HistoryEvent[], timed: TimedProvisioning): Split | undefined {
  const at = new Map(events.map((event) => [Number(event.eventId), eventMs(event)]));
  const started = events.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  const completed = events.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  if (!started || !completed) return undefined;
  const split: Split = new Map();
  add(split, phaseNames.start, eventMs(started) - timed.sentAtMs);
  add(split, phaseNames.result, timed.receivedAtMs - eventMs(completed));
  const activityTypes = new Map<number, string>();
  /** Where the next local activity of a task starts counting: the task's start, then each one's completion. */
  const localFrom = new Map<number, number>();
  for (const event of events) {
    const ms = eventMs(event);
    const taskStarted = event.workflowTaskStartedEventAttributes;
    if (taskStarted) add(split, phaseNames.taskQueue, ms - at.get(Number(taskStarted.scheduledEventId))!);
    const taskCompleted = event.workflowTaskCompletedEventAttributes;
    if (taskCompleted) {
      add(split, phaseNames.taskRun, ms - at.get(Number(taskCompleted.startedEventId))!);
      localFrom.set(Number(event.eventId), at.get(Number(taskCompleted.startedEventId))!);
    }
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) activityTypes.set(Number(event.eventId), scheduled.activityType?.name ?? '?');
    const activityStarted = event.activityTaskStartedEventAttributes;
    if (activityStarted) add(split, phaseNames.activityQueue, ms - at.get(Number(activityStarted.scheduledEventId))!);
    const activityCompleted = event.activityTaskCompletedEventAttributes;
    if (activityCompleted) {
      const run = ms - at.get(Number(activityCompleted.startedEventId))!;
      add(split, phaseNames.activityRun, run);
      add(split, ofWhich(phaseNames.activityRun, activityTypes.get(Number(activityCompleted.scheduledEventId)) ?? '?'), run);
    }
    const localDone = localActivityCompleteMs(event);
    const taskId = Number(event.markerRecordedEventAttributes?.workflowTaskCompletedEventId);
    if (localDone !== undefined && localFrom.has(taskId)) {
      const run = Math.max(0, localDone - localFrom.get(taskId)!);
      localFrom.set(taskId, Math.max(localDone, localFrom.get(taskId)!));
      add(split, phaseNames.local, run);
      add(split, ofWhich(phaseNames.local, localActivityType(event)), run);
      // The task's own run is what is left of it.
      split.get(phaseNames.taskRun)!.ms -= run;
    }
  }
  const total = timed.receivedAtMs - timed.sentAtMs;
  const accounted = [...split.entries()].filter(([phase]) => !phase.startsWith('  ')).reduce((sum, [, each]) => sum + each.ms, 0);
  add(split, phaseNames.between, total - accounted);
  return split;
}

function localActivityType(event: HistoryEvent): string {
  const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
  try {
    return (JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { activity_type?: string }).activity_type ?? '?';
  } catch {
    return '?';
  }
}

const round = (value: number) => Math.round(value * 10) / 10;

/** Reads the sampled provisionings' histories and summarizes their splits (mean and p50 per phase). */
export async function provisioningPhases(client: Client, sample: TimedProvisioning[]): Promise<ProvisioningPhases | undefined> {
  const splits = (await Promise.all(sample.map(async (timed) => {
    const events = await fetchEvents(client, timed.workflowId);
    return events ? splitHistory(events, timed) : undefined;
  }))).filter((split): split is Split => split !== undefined);
  if (splits.length === 0) return undefined;
  const order = [phaseNames.start, phaseNames.taskQueue, phaseNames.taskRun, phaseNames.local, phaseNames.activityQueue, phaseNames.activityRun, phaseNames.between, phaseNames.result];
  const phases = [...new Set(splits.flatMap((split) => [...split.keys()]))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  function rank(phase: string): number {
    const main = order.indexOf(phase as (typeof order)[number]);
    if (main >= 0) return main * 2;
    return phase.includes('(local)') ? order.indexOf(phaseNames.local) * 2 + 1 : order.indexOf(phaseNames.activityRun) * 2 + 1;
  }
  const sum = (split: Split, phase: string) => split.get(phase)?.ms ?? 0;
  return {
    sampled: splits.length,
    meanMs: round(splits.reduce((total, split) => total + order.reduce((each, phase) => each + sum(split, phase), 0), 0) / splits.length),
    phases: phases.map((phase) => {
      const values = splits.map((split) => sum(split, phase)).sort((a, b) => a - b);
      return {
        phase,
        meanMs: round(values.reduce((total, value) => total + value, 0) / values.length),
        p50Ms: round(percentile(values, 50)),
        perProvisioning: round(splits.reduce((total, split) => total + (split.get(phase)?.count ?? 0), 0) / splits.length),
      };
    }),
  };
}
