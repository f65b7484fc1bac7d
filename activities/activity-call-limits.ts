import { Context } from '@temporalio/activity';
import type { CarrierCallOptions } from '../carrier/carrier.js';

/** Room left so a carrier timeout is reported as the activity's own failure before start-to-close expires. */
const reportMarginMs = 500;

/** How often a running carrier activity heartbeats: a third of its heartbeat timeout, at most 10 s. */
export function heartbeatIntervalMs(heartbeatTimeoutMs: number): number {
  return Math.max(100, Math.min(heartbeatTimeoutMs / 3, 10_000));
}

/**
 * The running activity's Context, or undefined when an activity function is called directly (the
 * bench's direct chain, which measures the same code without Temporal): then a call has no deadline,
 * cancellation, heartbeats or carried progress.
 */
export function runningActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Each attempt's deadline, fixed at its first carrier call (an attempt has one Context). */
const deadlines = new WeakMap<Context, number | null>();
/** What each attempt's heartbeats carry, so the next attempt can resume. */
const progress = new WeakMap<Context, unknown>();

function attemptDeadline(context: Context): number | null {
  let deadline = deadlines.get(context);
  if (deadline === undefined) {
    const { startToCloseTimeoutMs, scheduleToCloseTimeoutMs, scheduledTimestampMs } = context.info;
    const candidates = [
      startToCloseTimeoutMs > 0 ? Date.now() + startToCloseTimeoutMs : Infinity,
      scheduleToCloseTimeoutMs > 0 ? scheduledTimestampMs + scheduleToCloseTimeoutMs : Infinity,
    ];
    const earliest = Math.min(...candidates);
    deadline = Number.isFinite(earliest) ? earliest - reportMarginMs : null;
    deadlines.set(context, deadline);
  }
  return deadline;
}

/**
 * The carrier call options of the running activity: a timeout no longer than what remains of its
 * start-to-close, its cancellation signal, and no SDK retries, so Temporal's retry policy is the only
 * retry layer and every attempt shows in the workflow's history.
 */
export function activityCallOptions(): CarrierCallOptions {
  const context = runningActivity();
  if (!context) return { maxRetries: 0 };
  const deadline = attemptDeadline(context);
  return {
    signal: context.cancellationSignal,
    maxRetries: 0,
    ...(deadline === null ? {} : { timeoutMs: Math.max(1, deadline - Date.now()) }),
  };
}

/** Sets what the attempt's heartbeats carry from now on (read back with `previousProgress`). */
export function recordProgress(details: unknown): void {
  const context = runningActivity();
  if (!context) return;
  progress.set(context, details);
  if (context.info.heartbeatTimeoutMs) context.heartbeat(details);
}

/** What the previous attempt's last heartbeat carried, or undefined. */
export function previousProgress<T>(): T | undefined {
  return runningActivity()?.info.heartbeatDetails as T | undefined;
}

/**
 * Runs `work` while heartbeating, so a cancellation reaches the activity (and its signal aborts the
 * carrier's HTTP call) even while a call is in flight. Only activities given a heartbeat timeout
 * heartbeat, as the SDK asks. The first beat comes after one interval, not at once: a call that
 * answers sooner (most do) costs no heartbeat, and Temporal's core sends an attempt's first heartbeat
 * at once but holds later ones for 80% of the heartbeat timeout, so `recordProgress` before a create is
 * then the attempt's first heartbeat (unless a call before it ran past one interval) and reaches the
 * server before the create is sent.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = runningActivity();
  const timeoutMs = context?.info.heartbeatTimeoutMs;
  if (!context || !timeoutMs) return work();
  const beat = () => context.heartbeat(progress.get(context));
  const timer = setInterval(beat, heartbeatIntervalMs(timeoutMs));
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The activity's cancellation, when it was cancelled: thrown instead of the aborted call's error, so Temporal records a cancel. */
export function cancellationOf(): unknown {
  const cancellationSignal = runningActivity()?.cancellationSignal;
  return cancellationSignal?.aborted ? cancellationSignal.reason : undefined;
}
