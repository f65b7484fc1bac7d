import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { searchAttributes } from '../../../domain/search-attributes.js';
import { progressQuery, reservationUpdate, workflowIds } from '../../../domain/workflow-contract.js';
import { provisionNumber } from '../../../workflows/index.js';
import { startMainProcess } from '../../support/main-process.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { createWorkerDatabase, sleep, startWorkflowHarness, waitFor, type WorkflowHarness } from '../../support/workflow-harness.js';

let harness: WorkflowHarness;
let proxy: TcpProxy;
const children: ChildProcess[] = [];

beforeAll(async () => {
  harness = await startWorkflowHarness({ orgNumberLimit: 3, defaults: { type: 'local', state: 'CA' } });
  await harness.startWorker();
  const database = new URL(inject('databaseUrl'));
  proxy = await startTcpProxy({ host: database.hostname, port: Number(database.port || 5432) });
});

afterEach(async () => {
  await harness.sandbox.clearFaults();
  await harness.sandbox.configure({ order_completion: { mode: 'instant' } });
  await harness.assertInvariant();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await harness?.close();
  await proxy?.close();
});

const rowOf = (id: string) => harness.db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** `npm run worker` (the compiled `dist/main/worker.js`) as a separate process on its own task queue, resolved once it polls. */
const spawnWorker = (taskQueue: string) =>
  startMainProcess({
    script: 'dist/main/worker.js',
    ready: 'worker running',
    env: {
      TEMPORAL_TASK_QUEUE: taskQueue,
      TELNYX_BASE_URL: harness.sandboxBaseURL,
      // The dev server is shared by the whole run: no unscoped sweep schedule on it.
      RECONCILE_ENABLED: 'false',
    },
    children,
  });

describe('provisionNumber durability', () => {
  it('when the database is unavailable during registration, then the workflow waits and finishes once it returns', async () => {
    const databaseUrl = new URL(inject('databaseUrl'));
    databaseUrl.host = `127.0.0.1:${proxy.port}`;
    const proxiedDb = createWorkerDatabase(databaseUrl.toString());
    const taskQueue = `proxied-${randomUUID()}`;
    const { stop } = await harness.startWorker({ db: proxiedDb, taskQueue });
    await harness.sandbox.addFault({ method: 'PATCH', path: '/v2/phone_numbers/*', action: { type: 'delay', ms: 1500 }, times: 1 });
    const { organizationId } = await harness.newOrganization();
    const input = harness.provisionInput(organizationId);
    const handle = await harness.startProvision(input, taskQueue);
    // The row, not the query: the configuring write, the configuration and registration are local
    // activities in one workflow task, and a query is answered only between workflow tasks.
    await waitFor(async () => (await rowOf(input.phoneNumberId)).provisioning_step === 'configuring', 'the configuring step');

    proxy.pause();
    await waitFor(async () => (await handle.query(progressQuery)).step === 'registering', 'the registering step');
    await sleep(2000);
    const whileDown = await rowOf(input.phoneNumberId);
    proxy.resume();
    const result = await handle.result();

    expect(whileDown.status).toBe('provisioning');
    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'active', number: result.number });
    await harness.recordHistory('provision-database-outage', handle);
    await stop();
    await proxiedDb.destroy();
  });

  it('when the worker is SIGKILLed between order and register, then a restarted worker finishes it exactly once', async () => {
    const taskQueue = `child-${randomUUID()}`;
    const first = await spawnWorker(taskQueue);
    await harness.sandbox.configure({ order_completion: { mode: 'delayed', delay_ms: 2500 } });
    const { organizationId } = await harness.newOrganization();
    const input = harness.provisionInput(organizationId, { orderPollIntervalMs: 500 });
    const handle = await harness.startProvision(input, taskQueue);
    await waitFor(async () => (await handle.query(progressQuery)).step === 'awaiting_completion', 'the order to be placed');

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await spawnWorker(taskQueue);
    const result = await handle.result();

    const orders = (await harness.sandbox.orders()).filter((order) => order.customer_reference === handle.workflowId);
    expect(orders).toHaveLength(1);
    const owned = (await harness.sandbox.ownedNumbers()).filter((number) => number.customer_reference === handle.workflowId);
    expect(owned.map((number) => number.phone_number)).toEqual([result.number]);
    expect(await rowOf(input.phoneNumberId)).toMatchObject({ status: 'active', carrier_number_id: owned[0]?.id });
    await harness.recordHistory('provision-worker-killed', handle);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('when 10 provisions for one organization run at once, then exactly its limit of numbers is provisioned', async () => {
    const handles = Array.from({ length: 10 }, (_, index) => `agent-${index}`);
    const { organizationId } = await harness.newOrganization(handles);

    const outcomes = await Promise.allSettled(
      handles.map(async (agentHandle) => {
        const input = harness.provisionInput(organizationId, { agentHandle });
        const startWorkflowOperation = new WithStartWorkflowOperation(provisionNumber, {
          workflowId: workflowIds.provision(organizationId, randomUUID()),
          taskQueue: harness.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [{ key: searchAttributes.organizationId, value: organizationId }],
        });
        await harness.client.workflow.executeUpdateWithStart(reservationUpdate, { startWorkflowOperation });
        return (await startWorkflowOperation.workflowHandle()).result();
      }),
    );

    const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const rejected = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(fulfilled).toHaveLength(harness.config.ORG_NUMBER_LIMIT);
    expect(rejected.map((outcome) => outcome.reason.cause?.type)).toEqual(
      Array(10 - harness.config.ORG_NUMBER_LIMIT).fill('phone_number_limit_reached'),
    );
    const live = await harness.db
      .selectFrom('phone_numbers')
      .select('status')
      .where('organization_id', '=', organizationId)
      .where('status', '=', 'active')
      .execute();
    expect(live).toHaveLength(harness.config.ORG_NUMBER_LIMIT);
  });
});
