import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import type { TemporalConnectionOptions } from './connection-options.js';

export interface ServerTarget {
  connection: TemporalConnectionOptions;
  namespace: string;
}

/** One workflow run's full history from the server; the latest run when `runId` is omitted. */
export async function fetchHistory(target: ServerTarget, workflowId: string, runId?: string): Promise<History> {
  const where = `${workflowId}${runId ? ` (run ${runId})` : ''} from ${target.connection.address}/${target.namespace}`;
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...target.connection, connectTimeout: 5000 });
  } catch (error) {
    throw new Error(`could not fetch the history of ${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const client = new Client({ connection, namespace: target.namespace });
    return await client.workflow.getHandle(workflowId, runId).fetchHistory();
  } catch (error) {
    throw new Error(`could not fetch the history of ${where}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await connection.close();
  }
}

/** A history saved by `npm run history:export` (or `temporal workflow show --output json`). */
export async function readHistoryFile(path: string): Promise<History> {
  return historyFromJSON(JSON.parse(await readFile(path, 'utf8')));
}
