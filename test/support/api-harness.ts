import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import type { HostResolver } from '../../outbound/callback-url-guard.js';
import { assemble } from '../../assembly/assemble.js';
import { closingOnFailure } from '../../assembly/closing-on-failure.js';
import { embeddedShutdown } from '../../assembly/embedded-shutdown.js';
import { createApiKey } from '../../db/repositories/api-keys.js';
import { generateSigningKeys, signWebhook } from '../../sandbox/keys.js';
import { startTestSandbox } from './start-test-sandbox.js';
import { createTestResolver } from './test-resolver.js';
import { createTestOrganization } from './test-database.js';
import { workflowBundle } from './workflow-harness.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface CallOptions {
  apiKey?: string | null;
  /** JSON-encoded unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** The sandbox's pools for API tests: toll-free and New York only, with room for every test of a file. */
const inventory = { toll_free: 500, local: { default: 0, NY: 100 } };

/** A state file holding the sandbox's signing key, so tests can sign events exactly as it does. */
function sandboxStateFileWithKnownKey() {
  const keys = generateSigningKeys();
  const stateFile = join(mkdtempSync(join(tmpdir(), 'api-sandbox-')), 'state.json');
  writeFileSync(stateFile, JSON.stringify({ config: { inventory }, keys: { private_key_pem: keys.privateKeyPem, public_key: keys.publicKey } }));
  return { stateFile, keys };
}

/**
 * The whole stack for one API test file, built by the service's assembly: its own sandbox, a worker on
 * its own task queue (unless `worker: false`), the API on a free port (its webhooks reach the API), and
 * organizations with API keys. Everything closes through one shutdown, in reverse.
 */
export async function startApiHarness(
  options: { config?: Record<string, string>; worker?: boolean; logger?: Logger; resolveHost?: HostResolver } = {},
) {
  const shutdown = embeddedShutdown();
  const { stateFile, keys } = sandboxStateFileWithKnownKey();
  const { sandbox, control } = await startTestSandbox({ stateFile });
  shutdown.add(() => sandbox.stop());
  const assembly = assemble({
    env: {
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `api-${randomUUID()}`,
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...options.config,
    },
    sandbox,
    shutdown,
    logger: options.logger ?? pino({ level: 'silent' }),
    // The runtime is per process: a test that wants its logs installs it before the harness.
    installTemporalRuntime: false,
    ...(options.worker === false ? {} : { workflowBundle: await workflowBundle() }),
    resolveHost: options.resolveHost ?? createTestResolver(),
  });
  const { config } = assembly;
  const temporal = assembly.temporalClient();
  const { db, server } = await closingOnFailure(shutdown, async () => {
    const database = await assembly.database();
    if (options.worker !== false) await assembly.worker();
    const api = await assembly.apiServer();
    await control.configure({ webhook_url: `${api.url}/webhooks/telnyx` });
    return { db: database, server: api };
  });

  async function call(method: string, path: string, callOptions: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.apiKey) headers['x-api-key'] = callOptions.apiKey;
    let body: string | undefined = callOptions.rawBody;
    if (body === undefined && callOptions.body !== undefined) {
      body = JSON.stringify(callOptions.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (e.g. the docs page): keep the text.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** A fresh organization with identities (first handle default `agent`) and an API key. */
  async function newOrganization(handles: string[] = ['agent']) {
    const { organization, identity } = await createTestOrganization(db, handles[0]);
    for (const handle of handles.slice(1)) {
      await db.insertInto('identities').values({ organization_id: organization.id, agent_handle: handle }).execute();
    }
    const { apiKey } = await createApiKey(db, organization.id);
    const as = (method: string, path: string, callOptions: Omit<CallOptions, 'apiKey'> = {}) =>
      call(method, path, { ...callOptions, apiKey });
    return { organizationId: organization.id, identityId: identity.id, apiKey, call: as };
  }

  /** Rows and carrier requests, to prove a refused request changed nothing. */
  async function footprint(organizationId: string) {
    const rows = await db.selectFrom('phone_numbers').select('id').where('organization_id', '=', organizationId).execute();
    const keys = await db.selectFrom('idempotency_keys').select('key').where('organization_id', '=', organizationId).execute();
    const carrierRequests = (await control.requests()).filter((request) => request.path.startsWith('/v2/')).length;
    return { rows: rows.length, idempotencyKeys: keys.length, carrierRequests };
  }

  /** Telnyx webhook headers for `rawBody`, signed with the sandbox's (the carrier's) key. */
  function signAsCarrier(rawBody: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
    return {
      'content-type': 'application/json',
      'telnyx-timestamp': String(timestamp),
      'telnyx-signature-ed25519': signWebhook(keys.privateKey, String(timestamp), rawBody),
    };
  }

  async function close(): Promise<void> {
    await shutdown.shutdown();
  }

  return { config, db, temporal, sandbox, control, inventory, url: server.url, call, newOrganization, footprint, signAsCarrier, close };
}

export type ApiHarness = Awaited<ReturnType<typeof startApiHarness>>;
