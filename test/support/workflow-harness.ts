import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { assemble } from '../../assembly/assemble.js';
import { closingOnFailure } from '../../assembly/closing-on-failure.js';
import { embeddedShutdown } from '../../assembly/embedded-shutdown.js';
import { liveStatuses } from '../../domain/phone-number.js';
import { searchAttributes } from '../../domain/search-attributes.js';
import { workflowIds, type ProvisionNumberInput } from '../../domain/workflow-contract.js';
import type { Database } from '../../db/schema.js';
import { workflowsPath } from '../../temporal/workflows-path.js';
import { provisionNumber, releaseNumber, watchPendingOrders } from '../../workflows/index.js';
import type { WatchPendingOrdersOptions } from '../../workflows/watch-pending-orders.js';
import { startTestSandbox, type TestSandbox } from './start-test-sandbox.js';
import { createTestOrganization } from './test-database.js';

export const historiesDir = join(import.meta.dirname, '..', 'fixtures', 'histories');
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

let bundle: Promise<WorkflowBundle> | undefined;
/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  return bundle;
}

/** A pool whose dropped idle connections are not fatal (a test may take the database away). */
export function createWorkerDatabase(databaseUrl: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` resolves truthy. */
export async function waitFor<T>(probe: () => Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Everything one workflow test file needs: its sandbox, task queue, worker, client and database. */
/**
 * Every sandbox sells the same deterministic numbers, and the test database is shared by files running
 * in parallel; its live-number unique index would refuse a second live row for one number. So each file
 * provisions from its own pool (`defaults`, e.g. local numbers of one state) and deletes its
 * organizations when it closes.
 */
export async function startWorkflowHarness(
  options: { orgNumberLimit?: number; defaults?: Partial<ProvisionNumberInput>; /** More config, e.g. PAYLOAD_CODEC_KEYS. */ env?: Record<string, string> } = {},
) {
  Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as 'ERROR' | undefined) ?? 'ERROR') });
  const shutdown = embeddedShutdown();
  const sandbox: TestSandbox = await startTestSandbox();
  shutdown.add(() => sandbox.sandbox.stop());
  const taskQueue = `workflows-${randomUUID()}`;
  const assembly = assemble({
    env: {
      DATABASE_URL: inject('databaseUrl'),
      DATABASE_POOL_SIZE: '5',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      ORG_NUMBER_LIMIT: String(options.orgNumberLimit ?? 3),
      // A short settle window: a create whose answer was lost waits this long before ordering again.
      CARRIER_LIST_LAG_MS: '3000',
      LOG_LEVEL: 'silent',
      ...options.env,
    },
    sandbox: sandbox.sandbox,
    shutdown,
    installTemporalRuntime: false,
  });
  const { config } = assembly;
  const client = assembly.temporalClient();
  const carrier = assembly.carrier();
  const organizations: string[] = [];
  const db = await closingOnFailure(shutdown, async () => {
    const database = await assembly.database();
    // Before the pool closes: this file's organizations go with it.
    shutdown.add(async () => {
      if (organizations.length) await database.deleteFrom('organizations').where('id', 'in', organizations).execute();
    });
    await holdNumbersLiveElsewhere(database);
    return database;
  });

  /**
   * Numbers live in the shared database (other files, earlier runs) are bought up front under a
   * foreign reference, so this sandbox never sells them to this file's workflows.
   */
  async function holdNumbersLiveElsewhere(database: Kysely<Database>): Promise<void> {
    const live = await database.selectFrom('phone_numbers').select('number').where('status', 'in', liveStatuses).where('number', 'is not', null).execute();
    await Promise.all(live.map(({ number }) => carrier.createOrder(number!, 'held-by-another-test').catch(() => undefined)));
  }

  /**
   * Runs a worker on `queue` until stopped, built by an assembly of its own that shares this file's
   * config, carrier and client; its database may be a different pool (e.g. through a proxy), which its owner closes.
   */
  async function startWorker(overrides: { db?: Kysely<Database>; taskQueue?: string } = {}) {
    const workerShutdown = embeddedShutdown();
    const workerAssembly = assemble({
      config,
      logger: assembly.logger,
      shutdown: workerShutdown,
      installTemporalRuntime: false,
      carrier,
      temporalClient: client,
      workflowBundle: await workflowBundle(),
      ...(overrides.db ? { database: overrides.db } : {}),
      ...(overrides.taskQueue ? { taskQueue: overrides.taskQueue } : {}),
    });
    await closingOnFailure(workerShutdown, () => workerAssembly.worker());
    const stop = () => workerShutdown.shutdown();
    shutdown.add(stop);
    return { stop };
  }

  async function newOrganization(handles: string[] = ['agent']) {
    const { organization, identity } = await createTestOrganization(db, handles[0]);
    for (const handle of handles.slice(1)) {
      await db.insertInto('identities').values({ organization_id: organization.id, agent_handle: handle }).execute();
    }
    organizations.push(organization.id);
    return { organizationId: organization.id, identityId: identity.id };
  }

  function provisionInput(organizationId: string, overrides: Partial<ProvisionNumberInput> = {}): ProvisionNumberInput {
    return {
      organizationId,
      phoneNumberId: randomUUID(),
      agentHandle: 'agent',
      type: 'toll_free',
      state: null,
      callSettings: { incomingCallAction: 'auto_reject', clientWebsocketUrl: null, incomingCallWebhookUrl: null },
      orderDeadlineMs: 60_000,
      orderPollIntervalMs: 200,
      ...options.defaults,
      ...overrides,
    };
  }

  /** Starts provisioning as the API does: business-key id, REJECT_DUPLICATE, search attributes set. */
  async function startProvision(input: ProvisionNumberInput, queue = taskQueue) {
    return client.workflow.start(provisionNumber, {
      taskQueue: queue,
      workflowId: workflowIds.provision(input.organizationId, randomUUID()),
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: searchAttributes.organizationId, value: input.organizationId },
        { key: searchAttributes.agentHandle, value: input.agentHandle },
      ],
    });
  }

  async function startRelease(organizationId: string, phoneNumberId: string, overrides: { maxPollsPerRun?: number } = {}) {
    return client.workflow.start(releaseNumber, {
      taskQueue,
      workflowId: workflowIds.release(phoneNumberId),
      args: [{ organizationId, phoneNumberId, ...overrides }],
    });
  }

  /** Starts a pending-order watcher for `customerReference` directly, as compensation would. */
  async function startWatcher(customerReference: string, watcherOptions: WatchPendingOrdersOptions = {}) {
    return client.workflow.start(watchPendingOrders, {
      taskQueue,
      workflowId: workflowIds.watchPendingOrders(randomUUID()),
      args: [customerReference, watcherOptions],
    });
  }

  /** A search attribute's current value on the workflow's latest run, as the Web UI shows it. */
  async function searchAttributeOf(workflowId: string, key: (typeof searchAttributes)[keyof typeof searchAttributes]) {
    return (await client.workflow.getHandle(workflowId).describe()).typedSearchAttributes.get(key);
  }

  /** How a given run of a workflow stands: `RUNNING`, `CONTINUED_AS_NEW`, `COMPLETED`, ... */
  async function runStatus(workflowId: string, runId: string): Promise<string> {
    return (await client.workflow.getHandle(workflowId, runId).describe()).status.name;
  }

  /**
   * The invariant after every scenario: what the carrier says this file's organizations own equals
   * their live numbers in the database, nothing was bought twice, and no organization is over its limit.
   */
  async function assertInvariant(): Promise<void> {
    const belongs = (reference: string | null) => organizations.some((org) => reference?.startsWith(workflowIds.provisionsOf(org)));
    // By the ordering reference: a number bought but never configured has no reference of its own, and
    // it is exactly the orphan this check must see.
    const owned = (await sandbox.control.ownedNumbers()).filter((number) => belongs(number.order_customer_reference));
    const rows = organizations.length
      ? await db.selectFrom('phone_numbers').selectAll().where('organization_id', 'in', organizations).execute()
      : [];
    const live = rows.filter((row) => (liveStatuses as readonly string[]).includes(row.status));
    expect(live.filter((row) => row.status === 'provisioning')).toEqual([]);
    expect(owned.map((number) => number.phone_number).sort()).toEqual(live.map((row) => row.number).sort());
    const orders = (await sandbox.control.orders()).filter((order) => belongs(order.customer_reference));
    const perReference = new Map<string, number>();
    for (const order of orders) perReference.set(order.customer_reference!, (perReference.get(order.customer_reference!) ?? 0) + 1);
    expect([...perReference.values()].filter((count) => count > 1)).toEqual([]);
    for (const organizationId of organizations) {
      expect(live.filter((row) => row.organization_id === organizationId).length).toBeLessThanOrEqual(config.ORG_NUMBER_LIMIT);
    }
  }

  /** With RECORD_HISTORIES=1, saves the workflow's history for the replay test. */
  async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
    if (process.env.RECORD_HISTORIES !== '1') return;
    const history = await handle.fetchHistory();
    mkdirSync(historiesDir, { recursive: true });
    writeFileSync(join(historiesDir, `${name}.json`), historyToJSON(history));
  }

  async function close(): Promise<void> {
    await shutdown.shutdown();
  }

  return {
    sandbox: sandbox.control,
    sandboxBaseURL: sandbox.sandbox.baseURL,
    config,
    db,
    client,
    taskQueue,
    startWorker,
    newOrganization,
    provisionInput,
    startProvision,
    startRelease,
    startWatcher,
    searchAttributeOf,
    runStatus,
    assertInvariant,
    recordHistory,
    close,
  };
}

export type WorkflowHarness = Awaited<ReturnType<typeof startWorkflowHarness>>;
