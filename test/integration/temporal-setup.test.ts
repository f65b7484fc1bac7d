import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { defineSearchAttributeKey } from '@temporalio/common';
import { Client, Connection, ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reconcileScheduleId } from '../../domain/reconcile-contract.js';
import { searchAttributes } from '../../domain/search-attributes.js';
import { setupNamespace } from '../../temporal/namespace-setup.js';
import { projectRoot, runTsCli } from '../support/run-cli.js';

const projectAttributes = Object.values(searchAttributes);
const names = projectAttributes.map((key) => key.name).sort();

describe('setupNamespace (npm run temporal:setup)', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => connection?.close());

  it('when the namespace does not exist, then it is registered with every project search attribute', async () => {
    const namespace = `setup-${randomUUID()}`;

    const result = await setupNamespace(connection, namespace, projectAttributes);

    expect(result.namespaceRegistered).toBe(true);
    expect([...result.added].sort()).toEqual(names);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(names));
  });

  it('when run a second time, then it changes nothing and reports every attribute as already registered', async () => {
    const namespace = `setup-${randomUUID()}`;
    await setupNamespace(connection, namespace, projectAttributes);

    const second = await setupNamespace(connection, namespace, projectAttributes);

    expect(second.namespaceRegistered).toBe(false);
    expect(second.added).toEqual([]);
    expect([...second.alreadyRegistered].sort()).toEqual(names);
  });

  it('when an attribute exists with another type, then it fails naming the attribute', async () => {
    const namespace = `setup-${randomUUID()}`;
    await setupNamespace(connection, namespace, projectAttributes);
    const clash = defineSearchAttributeKey(searchAttributes.organizationId.name, 'INT');

    await expect(setupNamespace(connection, namespace, [clash], { timeoutMs: 0 })).rejects.toThrow(
      /OrganizationId exists .* with another type/,
    );
  });
});

/** `npm run temporal:setup` with `env`; fails the test unless it exits 0. */
async function temporalSetup(env: Record<string, string>): Promise<string> {
  const run = await runTsCli('ops/setup-cli.ts', [], { TEMPORAL_ADDRESS: inject('temporalAddress'), ...env });
  expect(run, run.stderr).toMatchObject({ exitCode: 0 });
  return run.stdout;
}

/**
 * `npm run worker` (the compiled `dist/main/worker.js`; global setup builds it) until it logs that it
 * runs, then stopped with SIGINT; resolves its exit code. Everything the worker does at start is done by then.
 */
async function startAndStopWorker(env: Record<string, string>): Promise<number | null> {
  const child = spawn(process.execPath, ['dist/main/worker.js'], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress'), WORKER_METRICS_ADDRESS: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('"worker running"')) resolve();
      });
      void exited.then((code) => reject(new Error(`worker exited with ${code}: ${output}`)));
    });
  } finally {
    if (child.exitCode === null) child.kill('SIGINT');
  }
  return exited;
}

describe('the reconciliation schedule (npm run temporal:setup, not the workers)', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => connection?.close());

  /** The schedule in `namespace`, or undefined when there is none. */
  async function scheduleIn(namespace: string): Promise<ScheduleDescription | undefined> {
    try {
      return await new Client({ connection, namespace }).schedule.getHandle(reconcileScheduleId).describe();
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return undefined;
      throw error;
    }
  }

  it('when temporal:setup runs, then it creates the schedule from the config, and a rerun with changed config updates it', async () => {
    // Its own namespace: the dev server is shared by the whole run, and the schedule's id is fixed.
    const namespace = `setup-${randomUUID()}`;
    // A queue no worker polls: a run the schedule might start sweeps nothing.
    const taskQueue = `unpolled-${randomUUID()}`;
    const env = { TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: taskQueue, RECONCILE_INTERVAL_MS: '3600000' };

    const first = await temporalSetup(env);
    const created = await scheduleIn(namespace);
    const second = await temporalSetup({ ...env, RECONCILE_INTERVAL_MS: '7200000', RECONCILE_DRY_RUN: 'true' });
    const updated = await scheduleIn(namespace);

    expect(first).toContain(`schedule ${reconcileScheduleId} in ${namespace}: created`);
    expect(created?.spec.intervals?.map((interval) => interval.every)).toEqual([3_600_000]);
    expect(created?.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileInventory', taskQueue });
    expect(second).toContain(`schedule ${reconcileScheduleId} in ${namespace}: updated`);
    expect(updated?.spec.intervals?.map((interval) => interval.every)).toEqual([7_200_000]);
    expect(updated?.action.type === 'startWorkflow' && updated.action.args?.[0]).toMatchObject({ dryRun: true });
    expect(updated?.state.paused).toBe(false);
  });

  it('when a worker starts, then it neither creates the schedule nor changes or pauses the one temporal:setup made', async () => {
    const namespace = `setup-${randomUUID()}`;
    const scheduleQueue = `unpolled-${randomUUID()}`;
    // Setup with reconciliation off: the namespace exists, and no schedule in it.
    await temporalSetup({ TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: scheduleQueue, RECONCILE_ENABLED: 'false' });
    const workerEnv = { TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: `worker-${randomUUID()}`, RECONCILE_INTERVAL_MS: '7200000' };

    // A worker with reconciliation on does not create it.
    expect(await startAndStopWorker({ ...workerEnv, RECONCILE_ENABLED: 'true' })).toBe(0);
    expect(await scheduleIn(namespace)).toBeUndefined();

    // Once setup made it, a worker with other config (reconciliation off, another interval and queue) leaves it alone.
    await temporalSetup({ TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: scheduleQueue, RECONCILE_INTERVAL_MS: '3600000' });
    const before = await scheduleIn(namespace);
    expect(await startAndStopWorker({ ...workerEnv, RECONCILE_ENABLED: 'false' })).toBe(0);
    const after = await scheduleIn(namespace);

    expect(before).toBeDefined();
    expect(after?.state.paused).toBe(false);
    expect(after?.spec.intervals?.map((interval) => interval.every)).toEqual([3_600_000]);
    expect(after?.action).toMatchObject({ type: 'startWorkflow', taskQueue: scheduleQueue });
    expect(after?.info.lastUpdatedAt).toEqual(before?.info.lastUpdatedAt);
  });
});
