import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { runClosedLoop } from '../load.js';
import type { BenchSettings } from '../settings.js';
import type { BenchStack } from '../stack.js';
import type { RunStats } from '../stats.js';

export interface EngineCeiling {
  /** Activities a happy-path provisioning executed (counted from one of this run's histories). */
  activities: number;
  /** Their order: `R` for an activity through the server, `L` for a local one. */
  shape: string;
  concurrency: number;
  noop: RunStats;
}

/** The activities in the history of the most recent completed provisioning, as `R`/`L` in order. */
async function happyPathShape(stack: BenchStack, client: Client): Promise<string> {
  const row = await stack.db
    .selectFrom('phone_numbers')
    .select('workflow_id')
    .where('status', '=', 'active')
    .where('workflow_id', 'like', 'provision/%')
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  for (const { workflow_id: workflowId } of row) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory().catch(() => undefined);
    if (!history) continue; // a baseline row: no workflow ran
    return (history.events ?? [])
      .map((event) => {
        if (event.activityTaskScheduledEventAttributes) return 'R';
        return event.markerRecordedEventAttributes?.markerName === 'core_local_activity' ? 'L' : '';
      })
      .join('');
  }
  throw new Error('no provisioning history to count activities from');
}

/**
 * The same activities, remote and local in the same order, as no-ops in one workflow, on a worker with the production worker's
 * settings, driven by a client in this process at the given concurrency.
 */
export async function runEngineCeiling(stack: BenchStack, settings: BenchSettings, concurrency: number): Promise<EngineCeiling> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const taskQueue = `bench-noop-${randomUUID()}`;
  const worker = stack.spawn('noop-worker', 'bench/noop-worker.ts', [taskQueue]);
  try {
    const shape = await happyPathShape(stack, client);
    await worker.waitForLine(/"ready":true/, 180_000);
    const execute = () => client.workflow.execute('noopChain', { taskQueue, workflowId: `noop/${randomUUID()}`, args: [shape] });
    for (let i = 0; i < concurrency; i += 1) await execute();
    const noop = await runClosedLoop({
      concurrency,
      durationMs: settings.runSeconds * 1000,
      maxRequests: 100_000,
      request: async () => {
        await execute();
      },
    });
    return { activities: shape.length, shape, concurrency, noop };
  } finally {
    await worker.stop();
    await connection.close();
  }
}
