import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** What `closedWorkflowStatus` answers for a workflow Temporal no longer knows (its retention has passed). */
export const workflowGone = 'NOT_FOUND';

/**
 * The status of a workflow's latest run once it has closed (`COMPLETED`, `FAILED`, `TERMINATED`, ...),
 * `workflowGone` when Temporal has no such workflow, or null while it runs. A workflow that continued
 * as new is running: the latest run is the one described.
 */
export async function closedWorkflowStatus(temporal: Client, workflowId: string): Promise<string | null> {
  try {
    const { status } = await temporal.workflow.getHandle(workflowId).describe();
    return status.name === 'RUNNING' ? null : status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return workflowGone;
    throw error;
  }
}
