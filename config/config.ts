import { z } from 'zod';
import { resolveTemporalSettings, type TemporalAliasKey, type TemporalSettings } from './temporal-settings.js';

/** The longest ORDER_DEADLINE_MS: a provisioning never waits on one carrier order for more than a week. */
export const maxOrderDeadlineMs = 7 * 24 * 60 * 60 * 1000;

/** What a deployment without a Telnyx key uses: the sandbox's connection and a fixed deployment id. */
const sandboxDefaults = { TELNYX_CONNECTION_ID: 'sandbox-connection', DEPLOYMENT_ID: 'sandbox' } as const;

const loopbackHosts = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const integer = (fallback: number, min: number) => z.coerce.number().int().min(min).default(fallback);

const flag = (fallback: boolean) =>
  z.enum(['true', 'false', '1', '0']).default(fallback ? 'true' : 'false').transform((value) => value === 'true' || value === '1');

const schema = z.object({
  /** PostgreSQL URL. Unset: an embedded PostgreSQL (PGlite) under DATA_DIR. */
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  /** Folder for local state: the embedded database, the dev server's SQLite file, the sandbox state. */
  DATA_DIR: z.string().min(1).default('.data'),
  /**
   * TOML file of Temporal client profiles, as the `temporal` CLI reads (`@temporalio/envconfig`). Unset:
   * the CLI's default file (`~/.config/temporalio/temporal.toml` on Linux) when there is one.
   */
  TEMPORAL_CONFIG_FILE: optionalText,
  /** Profile of that file to use. Unset: `default` (none is fine); a named profile must exist. */
  TEMPORAL_PROFILE: optionalText,
  /** host:port of a Temporal frontend; over the profile's. Unset: `npm start` launches a dev server; api/worker use 127.0.0.1:7233. */
  TEMPORAL_ADDRESS: optionalText.pipe(z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port').optional()),
  /** Temporal namespace; over the profile's. Unset: the profile's, else `default`. */
  TEMPORAL_NAMESPACE: optionalText,
  /** Task queue shared by the API (client) and the worker. */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('phone-numbers'),
  /**
   * TLS on (`true`, with the system's CAs unless a CA is given) or off (`false`, refused next to TLS
   * files or a server name). Unset: the profile's, else on when a TLS setting or TEMPORAL_API_KEY is given.
   */
  TEMPORAL_TLS: optionalText.pipe(z.enum(['true', 'false', '1', '0']).optional()).transform((value) => (value === undefined ? undefined : value === 'true' || value === '1')),
  /** PEM file of the CA that signed the Temporal frontend's certificate, when it is not publicly trusted. */
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalText,
  /** The same CA as PEM text, instead of a file. */
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: optionalText,
  /** PEM client certificate for mTLS; set the client key with it. */
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalText,
  /** The client certificate as PEM text, instead of a file. */
  TEMPORAL_TLS_CLIENT_CERT_DATA: optionalText,
  /** PEM private key of the client certificate. */
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalText,
  /** The client key as PEM text, instead of a file. */
  TEMPORAL_TLS_CLIENT_KEY_DATA: optionalText,
  /** The name the server's certificate is checked against, when it is not TEMPORAL_ADDRESS's host. */
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  /** Refused when true: the TypeScript SDK always verifies the server's host; set TEMPORAL_TLS_SERVER_NAME instead. */
  TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: flag(false).refine((disabled) => !disabled, 'is not supported by the TypeScript SDK (host verification stays on): set TEMPORAL_TLS_SERVER_NAME to the name on the certificate'),
  /** Alias of TEMPORAL_TLS_SERVER_CA_CERT_PATH (both set: they must agree). */
  TEMPORAL_TLS_CA_PATH: optionalText,
  /** Alias of TEMPORAL_TLS_CLIENT_CERT_PATH (both set: they must agree). */
  TEMPORAL_TLS_CERT_PATH: optionalText,
  /** Alias of TEMPORAL_TLS_CLIENT_KEY_PATH (both set: they must agree). */
  TEMPORAL_TLS_KEY_PATH: optionalText,
  /** Temporal Cloud API key, sent as a bearer token (over TLS unless TEMPORAL_TLS is false); over the profile's. */
  TEMPORAL_API_KEY: optionalText,
  /** gRPC port of the dev server `npm start` launches when TEMPORAL_ADDRESS is unset. */
  TEMPORAL_DEV_PORT: integer(7233, 1),
  /** Port of the Temporal Web UI the local dev server serves. */
  TEMPORAL_UI_PORT: integer(8233, 1),
  /** Port of the HTTP API. */
  PORT: integer(3000, 0).refine((port) => port <= 65535, 'must be a port number'),
  /** Address the HTTP API listens on. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Development only: customer callback URLs may name loopback, private, link-local or CGNAT hosts, and
   * names that do not resolve. Cloud metadata, multicast and unspecified addresses stay refused.
   */
  ALLOW_PRIVATE_CALLBACK_URLS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
  /** Telnyx API key. Unset: the local Telnyx sandbox is the carrier. */
  TELNYX_API_KEY: optionalText,
  /** Telnyx API base URL, ending in /v2. */
  TELNYX_BASE_URL: z.url().default('http://127.0.0.1:4010/v2'),
  /** Base64 Ed25519 public key that signs Telnyx webhooks. Unset in local mode: the sandbox's key. */
  TELNYX_PUBLIC_KEY: optionalText,
  /**
   * Telnyx voice connection (Call Control application) numbers are attached to. Required with
   * TELNYX_API_KEY; without a key, the sandbox's `sandbox-connection`.
   */
  TELNYX_CONNECTION_ID: optionalText,
  /**
   * Names this deployment on a shared carrier account: numbers it configures carry the tag
   * `deployment:<id>`, and reconciliation touches no other number. Required with TELNYX_API_KEY;
   * `npm start` generates one and keeps it under DATA_DIR; without a key, `sandbox`.
   */
  DEPLOYMENT_ID: optionalText.pipe(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be 1-63 letters, digits, ".", "_" or "-"').optional()),
  /** Port of the Telnyx sandbox. */
  SANDBOX_PORT: integer(4010, 0),
  /** How long POST /numbers waits for provisioning before answering 202. */
  PROVISION_WAIT_MS: integer(20_000, 0),
  /** How long an order may stay pending at the carrier before provisioning fails; at most 7 days. */
  ORDER_DEADLINE_MS: integer(24 * 60 * 60 * 1000, 1).refine((ms) => ms <= maxOrderDeadlineMs, 'must be at most 604800000 (7 days)'),
  /**
   * How long the carrier's lists (orders by customer_reference, numbers by phone number) may lag a
   * write. Telnyx documents neither read-after-write consistency nor a bound on it, so this is the
   * stricter reading: after an order create whose answer was lost, provisioning never orders again and
   * compensation keeps looking until it has passed; past it, a number its succeeded order bought that
   * the account no longer lists is taken as released.
   */
  CARRIER_LIST_LAG_MS: integer(45_000, 0),
  /** Numbers an organization may hold (provisioning + active + paused). */
  ORG_NUMBER_LIMIT: integer(3, 1),
  /** Requests one API key may make per minute before 429 `rate_limited`. */
  API_RATE_LIMIT_PER_MINUTE: integer(600, 1),
  /** Failed authentications one client address may make per minute; past it, 429 before any key lookup. */
  AUTH_FAILURE_LIMIT_PER_MINUTE: integer(20, 1),
  /** Whether `temporal:setup` (and `npm start`) keeps the reconciliation schedule running (false pauses it); workers never touch it. */
  RECONCILE_ENABLED: flag(true),
  /** How often the reconciliation sweep runs. */
  RECONCILE_INTERVAL_MS: integer(15 * 60 * 1000, 1000),
  /**
   * Age before the sweep releases a carrier number no live row owns; protects provisioning in flight.
   * At least ORDER_DEADLINE_MS, so an order that completes at its deadline is never taken for an orphan.
   */
  RECONCILE_GRACE_MS: integer(24 * 60 * 60 * 1000, 0),
  /** Orphans one sweep may release; past it the sweep releases none, and reports them for an operator. */
  RECONCILE_MAX_RELEASES: integer(10, 0),
  /** The sweep reports what it would release or flag, and changes nothing. */
  RECONCILE_DRY_RUN: flag(false),
  /** host:port where the worker serves the Temporal SDK's Prometheus metrics (`/metrics`); empty: not served. */
  WORKER_METRICS_ADDRESS: z
    .string()
    .trim()
    .regex(/^$|^[^\s]+:\d+$/, 'must be host:port, or empty to disable')
    .default('127.0.0.1:9464')
    .transform((value) => (value === '' ? undefined : value)),
  /** Connections each process's PostgreSQL pool may open (the API and the worker have one each). */
  DATABASE_POOL_SIZE: integer(10, 1),
  /** How long a pool connection attempt may take before the query waiting for it fails (PostgreSQL at DATABASE_URL only). */
  DATABASE_CONNECT_TIMEOUT_MS: integer(5_000, 1),
  /** PostgreSQL cancels a statement that runs longer (`statement_timeout`; 0: no limit; DATABASE_URL only). */
  DATABASE_STATEMENT_TIMEOUT_MS: integer(30_000, 0),
  /**
   * How long the API remembers which organization an API key belongs to (0: ask the database on every
   * request). A key revoked with `npm run admin` stops working within this time in every API process.
   */
  API_KEY_CACHE_TTL_MS: integer(5_000, 0),
  /** Activities one worker runs at once (the SDK default is 100). */
  WORKER_MAX_CONCURRENT_ACTIVITIES: integer(100, 1),
  /** Workflow tasks one worker runs at once (the SDK default is 40). */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: integer(40, 2),
  /** Running workflows a worker keeps in its sticky cache; bounds its memory (the SDK sizes it from the heap otherwise). */
  WORKER_MAX_CACHED_WORKFLOWS: integer(1_000, 0),
  /**
   * A workflow bundle prebuilt by `node dist/ops/bundle-workflows-cli.js` (the image sets it), loaded with
   * `workflowBundle: { codePath }`. Unset: the worker bundles the workflows from source at start.
   */
  WORKFLOW_BUNDLE_PATH: optionalText,
  /** How long the worker waits for a customer's incoming-call webhook to answer before it rejects the call (fail closed). */
  CALL_WEBHOOK_TIMEOUT_MS: integer(5_000, 100),
  /** The longest a call may last; past it the call workflow hangs up with `hangup_reason` `max_duration`. */
  CALL_MAX_DURATION_MS: integer(4 * 60 * 60 * 1000, 1000),
  /**
   * Base64 of 32 random bytes: the AES-256-GCM key identities' webhook signing keys are encrypted with
   * at rest. Unset: signing keys cannot be created, and `webhook` calls are rejected. `npm start`
   * generates one and keeps it under DATA_DIR.
   */
  SIGNING_KEY_ENCRYPTION_KEY: optionalText.pipe(z.base64().refine((key) => Buffer.from(key, 'base64').length === 32, 'must be base64 of 32 bytes').optional()),
  /**
   * Comma-separated `id:base64-of-32-bytes` AES-256-GCM keys of the Temporal payload codec; the first
   * encrypts, all decrypt (rotation). Unset: payloads are stored as plain JSON.
   */
  PAYLOAD_CODEC_KEYS: optionalText,
  /** Bearer token the codec server (`npm run codec-server`, `npm start`) asks of the Web UI and CLI on /encode and /decode. */
  PAYLOAD_CODEC_SERVER_TOKEN: optionalText.pipe(z.string().min(32, 'must be at least 32 characters (openssl rand -base64 32)').optional()),
  /** host:port the codec server listens on. */
  PAYLOAD_CODEC_SERVER_ADDRESS: z.string().trim().regex(/^\S+:\d+$/, 'must be host:port').default('127.0.0.1:8234'),
  /** Comma-separated browser origins (the Web UI's) the codec server answers; unset: the local UI's on TEMPORAL_UI_PORT. */
  PAYLOAD_CODEC_SERVER_ORIGINS: optionalText,
  /** host:port where the API serves its Prometheus `/metrics`, apart from the public port; empty: served on the API port. */
  API_METRICS_ADDRESS: z
    .string()
    .trim()
    .regex(/^$|^[^\s]+:\d+$/, 'must be host:port, or empty to serve /metrics on the API port')
    .default('')
    .transform((value) => (value === '' ? undefined : value)),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * Rules across keys: a real Telnyx key never falls back to sandbox defaults; the reconcile grace covers
 * the order deadline. The Temporal keys are checked once resolved (config/temporal-settings.ts).
 */
const checkedSchema = schema.superRefine((config, context) => {
  if (config.TELNYX_API_KEY) {
    for (const key of ['TELNYX_CONNECTION_ID', 'DEPLOYMENT_ID'] as const) {
      if (!config[key]) context.addIssue({ code: 'custom', path: [key], message: 'must be set when TELNYX_API_KEY is set' });
    }
    const url = new URL(config.TELNYX_BASE_URL);
    if (url.protocol !== 'https:' && !loopbackHosts.test(url.hostname)) {
      context.addIssue({ code: 'custom', path: ['TELNYX_BASE_URL'], message: 'must be https when TELNYX_API_KEY is set (plain http only to a loopback Telnyx double)' });
    }
  }
  if (config.RECONCILE_GRACE_MS < config.ORDER_DEADLINE_MS) {
    context.addIssue({ code: 'custom', path: ['RECONCILE_GRACE_MS'], message: 'must be at least ORDER_DEADLINE_MS' });
  }
});

/** Without a Telnyx key, the sandbox's connection and deployment id fill what was left unset. */
const resolvedSchema = checkedSchema.transform((config) => ({
  ...config,
  TELNYX_CONNECTION_ID: config.TELNYX_CONNECTION_ID ?? sandboxDefaults.TELNYX_CONNECTION_ID,
  DEPLOYMENT_ID: config.DEPLOYMENT_ID ?? sandboxDefaults.DEPLOYMENT_ID,
}));

/** The Temporal keys resolved with the profile file and the aliases folded in; the aliases themselves drop out. */
export type Config = Readonly<Omit<z.output<typeof resolvedSchema>, TemporalAliasKey | keyof TemporalSettings> & TemporalSettings>;

/** Thrown when the environment holds a bad value; the message names every bad key. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment into a frozen config, failing fast with every bad key named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = resolvedSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const issues: string[] = [];
  const temporal = resolveTemporalSettings(parsed.data, env, (key, message) => issues.push(`${key}: ${message}`));
  if (issues.length > 0) throw new ConfigError(issues);
  const { TEMPORAL_TLS_CA_PATH: _ca, TEMPORAL_TLS_CERT_PATH: _cert, TEMPORAL_TLS_KEY_PATH: _key, ...rest } = parsed.data;
  return Object.freeze({ ...rest, ...temporal });
}

/** Every key the config reads, for documentation and deployment checks. */
export const configKeys = Object.keys(schema.shape) as (keyof Config)[];
