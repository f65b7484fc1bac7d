import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/config.js';
import { reconcileScheduleId } from '../domain/reconcile-contract.js';
import { searchAttributes } from '../domain/search-attributes.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';
import { payloadDataConverter } from '../temporal/payload-codec/data-converter.js';
import { setupNamespace } from '../temporal/namespace-setup.js';
import { ensureReconcileSchedule, type ReconcileScheduleOutcome } from '../worker/reconcile-schedule.js';

/**
 * `npm run temporal:setup`: the namespace, its search attributes and the reconciliation schedule, from
 * the same config the workers run with. The schedule is kept here (and by `npm start`), not by every
 * worker, so one worker's config cannot overwrite or pause it for all.
 */

const config = loadConfig();
const connectionOptions = temporalConnectionOptions(config);
const { address } = connectionOptions;
const namespace = config.TEMPORAL_NAMESPACE;
// The schedule's workflow input is a payload like any other: encrypted when the workers' codec is on.
const dataConverter = payloadDataConverter(config);
const onRetry = (what: string, error: unknown) =>
  console.error(`${what}: ${error instanceof Error ? error.message : String(error)}; retrying`);

/** A namespace registered a moment ago may not have reached every frontend yet: retry until the deadline. */
async function ensureScheduleRetrying(connection: Connection, deadline: number): Promise<ReconcileScheduleOutcome> {
  const client = new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) });
  for (;;) {
    try {
      return await ensureReconcileSchedule(client, config);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      onRetry(`schedule ${reconcileScheduleId}`, error);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function connect(deadline: number): Promise<Connection> {
  for (;;) {
    try {
      return await Connection.connect({ ...connectionOptions, connectTimeout: 5000 });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      onRetry(`connecting to ${address}`, error);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

try {
  const connection = await connect(Date.now() + 120_000);
  try {
    const result = await setupNamespace(connection, namespace, Object.values(searchAttributes), { onRetry });
    if (result.namespaceRegistered) console.log(`registered namespace ${namespace}`);
    for (const name of result.added) console.log(`added search attribute ${name} to ${namespace}`);
    for (const name of result.alreadyRegistered) console.log(`search attribute ${name} already in ${namespace}`);
    const outcome = await ensureScheduleRetrying(connection, Date.now() + 60_000);
    console.log(`schedule ${reconcileScheduleId} in ${namespace}: ${outcome} (every ${config.RECONCILE_INTERVAL_MS} ms${config.RECONCILE_DRY_RUN ? ', dry run' : ''})`);
  } finally {
    await connection.close();
  }
} catch (error) {
  console.error(`temporal:setup failed on ${address}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
