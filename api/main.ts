import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createWebhookVerifier } from '../carrier/webhook-verifier.js';
import { loadConfig, type Config } from '../config/config.js';
import { connectServiceDatabase } from '../db/connect.js';
import { onShutdown } from '../lifecycle/on-shutdown.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';
import { startApiServer } from './start-api-server.js';

/** TELNYX_PUBLIC_KEY, or in sandbox mode (no TELNYX_API_KEY) the key the sandbox signs with. */
async function webhookPublicKey(config: Config): Promise<string> {
  if (config.TELNYX_PUBLIC_KEY) return config.TELNYX_PUBLIC_KEY;
  if (config.TELNYX_API_KEY) throw new Error('TELNYX_PUBLIC_KEY is required when TELNYX_API_KEY is set');
  const sandboxUrl = config.TELNYX_BASE_URL.replace(/\/v2\/?$/, '');
  const response = await fetch(`${sandboxUrl}/_sandbox/public-key`);
  if (!response.ok) throw new Error(`the sandbox at ${sandboxUrl} did not give its public key (${response.status})`);
  return ((await response.json()) as { public_key: string }).public_key;
}

/** `npm run api`: the HTTP API alone, against an existing database, Temporal and worker. */
const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL });
const shutdown = onShutdown([], { onError: (error) => logger.warn({ err: error }, 'error while stopping') });

try {
  const db = connectServiceDatabase(config, logger);
  shutdown.add(() => db.destroy());
  // Lazy: the API starts (and /readyz says 503) while Temporal is still coming up.
  const connection = Connection.lazy(temporalConnectionOptions(config));
  shutdown.add(() => connection.close());
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const webhookVerifier = createWebhookVerifier(await webhookPublicKey(config));
  const server = await startApiServer({ config, db, temporal, webhookVerifier, logger }, config.PORT, config.HOST);
  shutdown.add(() => server.close());
  logger.info({ url: server.url }, 'API listening');
} catch (error) {
  logger.fatal({ err: error }, 'API failed to start');
  await shutdown.shutdown(1);
}
