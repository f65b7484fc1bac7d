import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { progressQuery } from '../../../domain/workflow-contract.js';
import { findTemporalCli } from '../../../temporal/cli.js';
import { runCommand } from '../../support/run-cli.js';
import { startWorkflowHarness, waitFor, type WorkflowHarness } from '../../support/workflow-harness.js';

/** Sandboxes sell the same numbers and the database is shared: this file buys from its own state's pool. */
const ownPool = { type: 'local', state: 'MT' } as const;

interface ListedExecution {
  execution: { workflowId: string; runId: string };
  type: { name: string };
  status: string;
}

let harness: WorkflowHarness;
const organizations: string[] = [];

beforeAll(async () => {
  harness = await startWorkflowHarness();
  await harness.startWorker();
});

afterAll(async () => {
  // Frees this file's live numbers for the next run (number rows cascade with their organization).
  if (organizations.length) await harness.db.deleteFrom('organizations').where('id', 'in', organizations).execute();
  await harness?.close();
});

/** `temporal workflow list --query ...` against the run's dev server, as an operator types it. */
async function listWorkflows(query: string): Promise<ListedExecution[]> {
  const run = await runCommand(findTemporalCli(), [
    'workflow', 'list', '--address', inject('temporalAddress'), '--namespace', 'default', '--query', query, '--output', 'json',
  ]);
  if (run.exitCode !== 0) throw new Error(`temporal workflow list failed (${run.exitCode}): ${run.stderr}`);
  const text = run.stdout.trim();
  if (!text) return [];
  return text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((line) => JSON.parse(line));
}

/** Visibility is eventually consistent: polls until the query lists the workflow. */
function listedBy(query: string, workflowId: string, status?: string) {
  return waitFor(async () => {
    const found = (await listWorkflows(query)).find((execution) => execution.execution.workflowId === workflowId);
    return found && (!status || found.status.includes(status)) ? found : undefined;
  }, `${workflowId} listed by ${query}${status ? ` as ${status}` : ''}`);
}

describe('finding workflows by search attribute (temporal workflow list)', () => {
  it('when a provisioning waits on its carrier order and then completes, then OrganizationId, ProvisioningStep and PhoneNumber find it at each stage', async () => {
    await harness.sandbox.configure({ order_completion: { mode: 'never' } });
    const { organizationId } = await harness.newOrganization();
    organizations.push(organizationId);
    const handle = await harness.startProvision(harness.provisionInput(organizationId, ownPool));
    const byOrganization = `OrganizationId='${organizationId}'`;

    const running = await listedBy(byOrganization, handle.workflowId, 'RUNNING');
    const waiting = await listedBy(`${byOrganization} AND ProvisioningStep='awaiting_completion'`, handle.workflowId);
    const progress = await handle.query(progressQuery);
    await listedBy(`PhoneNumber='${progress.phoneNumber}' AND ExecutionStatus='Running'`, handle.workflowId);
    await harness.sandbox.completeOrder(progress.orderId!);
    const result = await handle.result();

    expect(running.type.name).toBe('provisionNumber');
    expect(waiting.execution.runId).toBe(running.execution.runId);
    const completed = await listedBy(`${byOrganization} AND ProvisioningStep='completed'`, handle.workflowId, 'COMPLETED');
    expect(completed.execution.runId).toBe(running.execution.runId);
    const byNumber = await listedBy(`PhoneNumber='${result.number}' AND ProvisioningStep='completed'`, handle.workflowId);
    expect(byNumber.execution.workflowId).toBe(handle.workflowId);
    expect(result.number).toBe(progress.phoneNumber);
  });

  it('when another organization provisions, then its OrganizationId query does not list the first organization\'s workflow', async () => {
    await harness.sandbox.configure({ order_completion: { mode: 'instant' } });
    const first = await harness.newOrganization();
    const second = await harness.newOrganization();
    organizations.push(first.organizationId, second.organizationId);
    const firstHandle = await harness.startProvision(harness.provisionInput(first.organizationId, ownPool));
    await firstHandle.result();
    const secondHandle = await harness.startProvision(harness.provisionInput(second.organizationId, ownPool));
    await secondHandle.result();

    await listedBy(`OrganizationId='${second.organizationId}'`, secondHandle.workflowId, 'COMPLETED');
    const listed = await listWorkflows(`OrganizationId='${second.organizationId}'`);

    expect(listed.map((execution) => execution.execution.workflowId)).toEqual([secondHandle.workflowId]);
  });
});
