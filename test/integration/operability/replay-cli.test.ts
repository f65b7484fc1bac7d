import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workflowsPath } from '../../../temporal/workflows-path.js';
import { projectRoot, runTsCli } from '../../support/run-cli.js';
import { startWorkflowHarness, type WorkflowHarness } from '../../support/workflow-harness.js';

/** Sandboxes sell the same numbers and the database is shared: this file buys from its own state's pool. */
const ownPool = { type: 'local', state: 'VT' } as const;
const nondeterministicWorkflowsPath = join(projectRoot, 'test', 'fixtures', 'nondeterministic', 'index.ts');
const patchedWorkflowsPath = join(projectRoot, 'test', 'fixtures', 'patched', 'index.ts');

let harness: WorkflowHarness;
let outDir: string;
let serverEnv: Record<string, string>;
/** One provisioning that completed on this file's worker, recorded once for every test here. */
let provisioned: { workflowId: string; runId: string; organizationId: string };

beforeAll(async () => {
  harness = await startWorkflowHarness();
  await harness.startWorker();
  outDir = await mkdtemp(join(tmpdir(), 'replay-cli-'));
  serverEnv = { TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: 'default' };
  const { organizationId } = await harness.newOrganization();
  const handle = await harness.startProvision(harness.provisionInput(organizationId, ownPool));
  await handle.result();
  provisioned = { workflowId: handle.workflowId, runId: (await handle.describe()).runId, organizationId };
});

afterAll(async () => {
  // Frees this file's live number for the next run (the number row cascades with its organization).
  if (provisioned) await harness.db.deleteFrom('organizations').where('id', '=', provisioned.organizationId).execute();
  await harness?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const replayCli = (args: string[]) => runTsCli('ops/replay-cli.ts', args, serverEnv);
const exportCli = (args: string[]) => runTsCli('ops/history-export-cli.ts', args, serverEnv);

describe('npm run replay', () => {
  it('when given the id of a completed provisioning, then it fetches the history from the server and replays it deterministically', async () => {
    const run = await replayCli(['--workflow-id', provisioned.workflowId, '--run-id', provisioned.runId]);

    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^replayed ${provisioned.workflowId} on .* \\(\\d+ events\\) against workflows/index\\.ts: deterministic`));
  });

  it('when the workflow code gained a step, then replaying the recorded history fails with the determinism error and exit 1', async () => {
    const run = await replayCli(['--workflow-id', provisioned.workflowId, '--workflows-path', nondeterministicWorkflowsPath]);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('DeterminismViolationError');
    expect(run.stderr).toContain('TMPRL1100');
    expect(run.stdout).not.toContain('replayed');
  });

  it('when the workflow id does not exist, then it says it could not fetch the history and exits 1', async () => {
    const run = await replayCli(['--workflow-id', `provision/nobody/${crypto.randomUUID()}`]);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/could not fetch the history of provision\/nobody\/.* from 127\.0\.0\.1:\d+\/default/);
  });

  it.each([[[]], [['--workflow-id']], [['--workflow-id', 'x', '--bogus', 'y']], [['positional']], [['--file', 'h.json', '--run-id', 'r']]])(
    'when the arguments are %j, then it prints the usage and exits 2',
    async (args) => {
      const run = await replayCli(args);

      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('usage: npm run replay -- --workflow-id ID');
    },
  );
});

describe('npm run history:export', () => {
  it('when a provisioning is exported, then the file loads with historyFromJSON and replay --file replays it', async () => {
    const out = join(outDir, 'nested', 'provision.json');

    const exported = await exportCli(['--workflow-id', provisioned.workflowId, '--out', out]);

    expect(exported.exitCode).toBe(0);
    expect(exported.stdout).toMatch(/^saved \d+ events of provision\//);
    const history = historyFromJSON(JSON.parse(await readFile(out, 'utf8')));
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.workflowType?.name).toBe('provisionNumber');
    const replayed = await replayCli(['--file', out]);
    expect(replayed.exitCode).toBe(0);
    expect(replayed.stdout).toContain(`replayed ${out} (${history.events?.length} events) against workflows/index.ts: deterministic`);
  });

  it('when --out is missing, then it prints the usage and exits 2', async () => {
    const run = await exportCli(['--workflow-id', provisioned.workflowId]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('missing --out');
  });
});

describe('replay as a guard (test of the replay test)', () => {
  it('when provisioning gains an activity before the reservation, then Worker.runReplayHistory of a real history throws DeterminismViolationError, while the current code replays it', async () => {
    const history = await harness.client.workflow.getHandle(provisioned.workflowId).fetchHistory();

    await expect(Worker.runReplayHistory({ workflowsPath }, history)).resolves.toBeUndefined();
    await expect(Worker.runReplayHistory({ workflowsPath: nondeterministicWorkflowsPath }, history)).rejects.toThrow(DeterminismViolationError);
  });

  it('when the same change is guarded with patched(), then the recorded history replays again', async () => {
    const history = await harness.client.workflow.getHandle(provisioned.workflowId).fetchHistory();

    const replayed = Worker.runReplayHistory({ workflowsPath: patchedWorkflowsPath }, history);

    await expect(replayed).resolves.toBeUndefined();
  });
});
