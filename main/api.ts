import { assemble } from '../assembly/assemble.js';

/** `npm run api`: the HTTP API alone, against an existing database, Temporal and worker. */
const { apiServer, logger, shutdown } = assemble();

try {
  // The assembly's Temporal client connects lazily: the API starts (and /readyz says 503) while Temporal is still coming up.
  const server = await apiServer();
  logger.info({ url: server.url }, 'API listening');
} catch (error) {
  logger.fatal({ err: error }, 'API failed to start');
  await shutdown.shutdown(1);
}
