import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ReconcileInventoryInput, ReconcileReport } from '../../../domain/reconcile-contract.js';
import { startSandbox, type Sandbox } from '../../../sandbox/server.js';
import { spawnMainProcess } from '../../support/main-process.js';
import { runCommand } from '../../support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'prebuilt-bundle-'));
const children: ChildProcess[] = [];
let sandbox: Sandbox;
let connection: Connection;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  connection = await Connection.connect({ address: inject('temporalAddress') });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await connection?.close();
  await sandbox?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** `node dist/main/worker.js` (global setup builds dist/) with WORKFLOW_BUNDLE_PATH; `ready` resolves when it runs or exits. */
const startWorkerMain = (bundlePath: string, taskQueue: string) =>
  spawnMainProcess({
    script: 'dist/main/worker.js',
    ready: 'worker running',
    env: { TEMPORAL_TASK_QUEUE: taskQueue, TELNYX_BASE_URL: sandbox.baseURL, WORKFLOW_BUNDLE_PATH: bundlePath, WORKER_METRICS_ADDRESS: '', RECONCILE_ENABLED: 'false' },
    children,
  });

describe('a prebuilt workflow bundle (WORKFLOW_BUNDLE_PATH), as the image ships it', () => {
  it('when the bundle CLI wrote it, then a worker started from it runs a workflow to its result', async () => {
    const bundlePath = join(scratch, 'workflow-bundle.js');
    const built = await runCommand(process.execPath, ['dist/ops/bundle-workflows-cli.js', '--out', bundlePath]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(statSync(bundlePath).size).toBeGreaterThan(100_000);

    const taskQueue = `prebuilt-bundle-${randomUUID()}`;
    const worker = startWorkerMain(bundlePath, taskQueue);
    expect(await worker.ready).toBe(true);
    expect(worker.lines().find((line) => line.msg === 'workflows from a prebuilt bundle')).toMatchObject({ codePath: bundlePath });

    const input: ReconcileInventoryInput = {
      graceMs: 86_400_000,
      deploymentId: `prebuilt-${randomUUID().slice(0, 8)}`,
      connectionId: 'sandbox-connection',
      maxReleases: 10,
      dryRun: true,
    };
    const report = await new Client({ connection }).workflow.execute<(input: ReconcileInventoryInput) => Promise<ReconcileReport>>('reconcileInventory', {
      taskQueue,
      workflowId: `prebuilt-bundle/${randomUUID()}`,
      args: [input],
    });

    expect(report).toMatchObject({ carrierNumbers: 0, released: [], dryRun: { release: [] } });
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('when WORKFLOW_BUNDLE_PATH names no file, then the worker stops at start naming the key', async () => {
    const missing = join(scratch, 'missing-bundle.js');
    expect(existsSync(missing)).toBe(false);

    const worker = startWorkerMain(missing, `prebuilt-bundle-${randomUUID()}`);

    expect(await worker.ready).toBe(false);
    expect(await worker.exited).toBe(1);
    expect(JSON.stringify(worker.lines())).toContain(`WORKFLOW_BUNDLE_PATH: cannot read ${missing}`);
  });
});
