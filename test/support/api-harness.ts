import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import { startApiServer, type ApiServer } from '../../api/start-api-server.js';
import { generateSigningKeys, signWebhook } from '../../sandbox/keys.js';
import { createTelnyxCarrier } from '../../carrier/telnyx-carrier.js';
import { createWebhookVerifier } from '../../carrier/webhook-verifier.js';
import { loadConfig, type Config } from '../../config/config.js';
import { createApiKey } from '../../db/repositories/api-keys.js';
import { createWorker } from '../../worker/create-worker.js';
import type { HostResolver } from '../../api/security/callback-url-guard.js';
import { startTestSandbox } from './start-test-sandbox.js';
import { createTestResolver } from './test-resolver.js';
import { connectTestDatabase, createTestOrganization } from './test-database.js';
import { createWorkerDatabase, workflowBundle } from './workflow-harness.js';

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
 * The whole stack for one API test file: its own sandbox, a worker on its own task queue, the API
 * on a free port (its webhooks reach the API), and organizations with API keys.
 */
export async function startApiHarness(
  options: { config?: Record<string, string>; worker?: boolean; logger?: Logger; resolveHost?: HostResolver } = {},
) {
  const { stateFile, keys } = sandboxStateFileWithKnownKey();
  const { sandbox, control } = await startTestSandbox({ stateFile });
  const config: Config = loadConfig({
    TELNYX_BASE_URL: sandbox.baseURL,
    TEMPORAL_TASK_QUEUE: `api-${randomUUID()}`,
    LOG_LEVEL: 'silent',
    ...options.config,
  });
  const db = connectTestDatabase();
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const temporal = new Client({ connection, namespace: 'default' });
  const closers: (() => Promise<unknown>)[] = [];

  if (options.worker !== false) {
    const workerConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const workerDb = createWorkerDatabase(inject('databaseUrl'));
    const worker = await createWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      db: workerDb,
      carrier: createTelnyxCarrier({ apiKey: 'test', baseURL: sandbox.baseURL }),
      temporal,
      config,
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    closers.push(async () => {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await workerDb.destroy();
    });
  }

  const server: ApiServer = await startApiServer(
    {
      config,
      db,
      temporal,
      webhookVerifier: createWebhookVerifier(sandbox.publicKey),
      logger: options.logger ?? pino({ level: 'silent' }),
      resolveHost: options.resolveHost ?? createTestResolver(),
    },
    0,
  );
  await control.configure({ webhook_url: `${server.url}/webhooks/telnyx` });

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
    await server.close();
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
    await connection.close();
    await db.destroy();
    await sandbox.stop();
  }

  return { config, db, temporal, sandbox, control, inventory, url: server.url, call, newOrganization, footprint, signAsCarrier, close };
}

export type ApiHarness = Awaited<ReturnType<typeof startApiHarness>>;
