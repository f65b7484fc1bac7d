import type { Workflow, WorkflowCreateOptions, WorkflowCreator } from '@temporalio/worker/lib/workflow/interface.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchWorkflowThreads } from '../../../worker/workflow-thread-watch.js';

/** A workflow creator whose calls answer only when the test says so, as a workflow thread does. */
function fakeCreator() {
  const waiting: (() => void)[] = [];
  const answerLater = <T>(value: T) => new Promise<T>((resolve) => waiting.push(() => resolve(value)));
  const workflow: Workflow = {
    activate: () => answerLater({ runId: 'run-1', successful: {} }),
    getAndResetSinkCalls: () => answerLater([]),
    dispose: () => answerLater(undefined),
  };
  const creator: WorkflowCreator = { createWorkflow: () => Promise.resolve(workflow), destroy: vi.fn(async () => undefined) };
  return {
    creator,
    /** Lets the oldest waiting call answer. */
    answerOne: () => waiting.shift()?.(),
  };
}

const options = { info: { workflowType: 'provisionNumber', workflowId: 'provision/1', runId: 'run-1' } } as unknown as WorkflowCreateOptions;

describe('watchWorkflowThreads', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('when calls wait on a thread that answers nothing for longer than the timeout, then it logs the workflow and terminates the thread', async () => {
    const { creator } = fakeCreator();
    const terminate = vi.fn(async () => 1);
    const error = vi.fn();
    const watched = watchWorkflowThreads(creator, [{ terminate }], 1000, { error });
    const workflow = await watched.createWorkflow(options);

    void workflow.activate({ runId: 'run-1', jobs: [] });
    await vi.advanceTimersByTimeAsync(1400);

    expect(terminate).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('answered nothing for over 1000 ms'), expect.objectContaining({ call: 'activate', workflowId: 'provision/1', workflowType: 'provisionNumber' }));
    await watched.destroy();
  });

  it('when a thread keeps answering a queue of calls, each within the timeout, then it is left running however long the queue waits', async () => {
    const { creator, answerOne } = fakeCreator();
    const terminate = vi.fn(async () => 1);
    const watched = watchWorkflowThreads(creator, [{ terminate }], 1000, { error: vi.fn() });
    const workflow = await watched.createWorkflow(options);

    const calls = Array.from({ length: 10 }, () => workflow.activate({ runId: 'run-1', jobs: [] }));
    for (let i = 0; i < 10; i += 1) {
      await vi.advanceTimersByTimeAsync(800);
      answerOne();
    }
    await Promise.all(calls);
    // Idle afterwards: nothing waits, so no amount of quiet is a stuck thread.
    await vi.advanceTimersByTimeAsync(5000);

    expect(terminate).not.toHaveBeenCalled();
    await watched.destroy();
    expect(creator.destroy).toHaveBeenCalledTimes(1);
  });
});
