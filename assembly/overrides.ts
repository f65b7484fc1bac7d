import type { Client } from '@temporalio/client';
import type { WorkflowBundleOption } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { HostResolver } from '../outbound/callback-url-guard.js';
import type { Carrier } from '../carrier/carrier.js';
import type { WebhookVerifier } from '../carrier/webhook-verifier.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/schema.js';
import type { Shutdown } from '../lifecycle/on-shutdown.js';
import type { TemporalConnectionOptions } from '../temporal/connection-options.js';
import type { StartedSandbox } from './carrier-target.js';

/**
 * What one user of the assembly does differently from the service defaults. Every field is optional;
 * a piece given here is used as is and is NOT closed by the assembly (its owner closes it).
 */
export interface AssemblyOverrides {
  /** A loaded config; otherwise `env` is read once. */
  config?: Config;
  /** The environment read when no `config` is given; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to pino at LOG_LEVEL on stdout. */
  logger?: Logger;
  /** Where everything built is registered; defaults to the process's (signals, then exit). Tests and tools pass `embeddedShutdown()`. */
  shutdown?: Shutdown;
  /** Run the migrations when the database is first built (`npm start`). */
  migrate?: boolean;
  /** A database the caller owns (a test pool through a proxy, say). */
  database?: Kysely<Database>;
  /** A sandbox already running; used only when there is no TELNYX_API_KEY. */
  sandbox?: StartedSandbox;
  /** A carrier the caller built (shared between a test's workers). */
  carrier?: Carrier;
  webhookVerifier?: WebhookVerifier;
  /** Where Temporal is, instead of the config's TEMPORAL_* keys (a dev server `npm start` launched). */
  temporalConnection?: TemporalConnectionOptions;
  /** A client the caller owns (shared between a test's workers). */
  temporalClient?: Client;
  /**
   * Install the process's Temporal runtime (logs into the logger, metrics at WORKER_METRICS_ADDRESS)
   * before the first worker connection; default true. False where the process has one already.
   */
  installTemporalRuntime?: boolean;
  /** The worker's task queue, when not the config's TEMPORAL_TASK_QUEUE (the API still starts workflows on that one). */
  taskQueue?: string;
  /** A prebuilt workflow bundle (tests bundle once per file); otherwise bundled in a child process. */
  workflowBundle?: WorkflowBundleOption;
  /** Resolves customer callback hosts for the API's SSRF guard (tests); the system resolver otherwise. */
  resolveHost?: HostResolver;
}
