import { asyncLocalStorage, CancelledFailure, Context, type Info } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';

export interface LoggedLine {
  level: string;
  message: string;
  meta?: Record<string, unknown>;
}

export interface CountedMetric {
  name: string;
  value: number;
  tags: Record<string, unknown>;
}

const defaultInfo: Info = {
  attempt: 1,
  taskQueue: 'test',
  isLocal: false,
  taskToken: Buffer.from('test'),
  base64TaskToken: Buffer.from('test').toString('base64'),
  activityId: 'test',
  activityType: 'test',
  workflowType: 'test',
  workflowExecution: { workflowId: 'test', runId: '00000000-0000-0000-0000-000000000000' },
  activityNamespace: 'default',
  workflowNamespace: 'default',
  namespace: 'default',
  heartbeatTimeoutMs: undefined,
  heartbeatDetails: undefined,
  scheduledTimestampMs: Date.now(),
  currentAttemptScheduledTimestampMs: Date.now(),
  startToCloseTimeoutMs: 30_000,
  scheduleToCloseTimeoutMs: 0,
  priority: undefined,
  retryPolicy: undefined,
  activityRunId: undefined,
  inWorkflow: true,
};

/**
 * One activity attempt's Context, built as the worker builds it (the same constructor
 * `MockActivityEnvironment` uses), with the logger, the metric meter and the heartbeats recorded and a
 * `cancel()` that does what a delivered cancellation does: abort the signal with a `CancelledFailure`.
 */
export function activityContext(info: Partial<Info> = {}) {
  const logged: LoggedLine[] = [];
  const counted: CountedMetric[] = [];
  const heartbeats: unknown[] = [];
  const abort = new AbortController();
  let rejectCancelled: (error: unknown) => void = () => undefined;
  const cancelled = new Promise<never>((_, reject) => {
    rejectCancelled = reject;
  });
  cancelled.catch(() => undefined);

  const logger = {
    log: (level: string, message: string, meta?: Record<string, unknown>) => void logged.push({ level, message, meta }),
    trace: (message: string, meta?: Record<string, unknown>) => void logged.push({ level: 'TRACE', message, meta }),
    debug: (message: string, meta?: Record<string, unknown>) => void logged.push({ level: 'DEBUG', message, meta }),
    info: (message: string, meta?: Record<string, unknown>) => void logged.push({ level: 'INFO', message, meta }),
    warn: (message: string, meta?: Record<string, unknown>) => void logged.push({ level: 'WARN', message, meta }),
    error: (message: string, meta?: Record<string, unknown>) => void logged.push({ level: 'ERROR', message, meta }),
  };
  const noop = { add: () => undefined, record: () => undefined, set: () => undefined, withTags: () => noop };
  const meter: MetricMeter = {
    createCounter: (name: string) => {
      const counter = {
        name,
        kind: 'counter',
        valueType: 'int',
        add: (value: number, tags: Record<string, unknown> = {}) => void counted.push({ name, value, tags }),
        withTags: () => counter,
      };
      return counter as unknown as ReturnType<MetricMeter['createCounter']>;
    },
    createHistogram: () => noop as unknown as ReturnType<MetricMeter['createHistogram']>,
    createGauge: () => noop as unknown as ReturnType<MetricMeter['createGauge']>,
    withTags: () => meter,
  };
  const context = new Context(
    { ...defaultInfo, ...info },
    cancelled,
    abort.signal,
    (details?: unknown) => void heartbeats.push(details),
    undefined,
    logger as unknown as Context['log'],
    meter,
    {},
  );

  return {
    logged,
    counted,
    heartbeats,
    /** Runs `work` as the activity would run: inside this Context. */
    run: <T>(work: () => Promise<T>): Promise<T> => asyncLocalStorage.run(context, work),
    cancel: () => {
      const failure = new CancelledFailure('CANCELLED');
      abort.abort(failure);
      rejectCancelled(failure);
    },
  };
}
