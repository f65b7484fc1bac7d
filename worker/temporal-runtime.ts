import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Level, Logger } from 'pino';

const pinoLevels: Record<LogLevel, Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The least verbose SDK level that still lets through every line the pino logger would print. */
function sdkLevelFor(logger: Logger): LogLevel {
  const levels: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
  return levels.find((level) => logger.isLevelEnabled(pinoLevels[level])) ?? 'ERROR';
}

/**
 * The Temporal SDK's logger writing into pino. Workflow lines carry workflowId and runId, activity
 * lines workflowId and workflowRunId (also written as runId, so one query finds both). The activity
 * task token is dropped: it is enough to complete the activity from outside.
 */
export function temporalLogger(logger: Logger): DefaultLogger {
  return new DefaultLogger(sdkLevelFor(logger), ({ level, message, meta }: LogEntry) => {
    const { taskToken: _taskToken, ...fields } = (meta ?? {}) as Record<string, unknown>;
    if (fields.workflowRunId !== undefined && fields.runId === undefined) fields.runId = fields.workflowRunId;
    // pino serializes errors (message, stack, cause) under `err` only.
    if (fields.error instanceof Error && fields.err === undefined) {
      fields.err = fields.error;
      delete fields.error;
    }
    logger[pinoLevels[level]](fields, message);
  });
}

export interface TemporalRuntimeOptions {
  logger: Logger;
  /** host:port for the Prometheus endpoint of the SDK's metrics (`/metrics`); undefined: none. */
  metricsAddress?: string | undefined;
}

/**
 * Installs the process's Temporal runtime: SDK, workflow and activity logs (and the native core's
 * warnings) go to `logger`; the worker's metrics are served for Prometheus at `metricsAddress`.
 * Call once per process, before any NativeConnection or Worker exists. The SDK's default shutdown
 * signals stay: `runWorker` tolerates the SDK draining the worker on SIGINT/SIGTERM.
 *
 * A metrics address that cannot be bound (say, taken by another worker on the host) is logged as an
 * error and the runtime runs without metrics: a worker that will not work for want of a metrics
 * port is the worse outage.
 */
export function installTemporalRuntime({ logger, metricsAddress }: TemporalRuntimeOptions): { runtime: Runtime; metricsAddress: string | undefined } {
  const install = (address: string | undefined) =>
    Runtime.install({
      logger: temporalLogger(logger),
      telemetryOptions: {
        logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
        ...(address ? { metrics: { prometheus: { bindAddress: address } } } : {}),
      },
    });
  if (!metricsAddress) return { runtime: install(undefined), metricsAddress: undefined };
  try {
    return { runtime: install(metricsAddress), metricsAddress };
  } catch (error) {
    logger.error({ err: error, metricsAddress }, 'worker metrics cannot be served; running without them');
    return { runtime: install(undefined), metricsAddress: undefined };
  }
}
