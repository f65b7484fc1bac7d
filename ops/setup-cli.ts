import { Connection } from '@temporalio/client';
import { loadConfig } from '../config/config.js';
import { searchAttributes } from '../domain/search-attributes.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';
import { setupNamespace } from '../temporal/namespace-setup.js';

const config = loadConfig();
const connectionOptions = temporalConnectionOptions(config);
const { address } = connectionOptions;
const namespace = config.TEMPORAL_NAMESPACE;
const onRetry = (what: string, error: unknown) =>
  console.error(`${what}: ${error instanceof Error ? error.message : String(error)}; retrying`);

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
  } finally {
    await connection.close();
  }
} catch (error) {
  console.error(`temporal:setup failed on ${address}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
