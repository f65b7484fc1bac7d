import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../config/config.js';
import { startSandbox } from './server.js';

/** `npm run sandbox`: the Telnyx sandbox alone, logging one JSON line with where to reach it. */
const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL });
const sandbox = await startSandbox({
  port: config.SANDBOX_PORT,
  stateFile: join(config.DATA_DIR, 'sandbox.json'),
  webhookUrl: process.env.SANDBOX_WEBHOOK_URL ?? `http://127.0.0.1:${config.PORT}/webhooks/telnyx`,
});
logger.info(
  {
    url: sandbox.url,
    baseURL: sandbox.baseURL,
    publicKey: sandbox.publicKey,
    controlApi: `${sandbox.url}/_sandbox/{numbers,orders,requests,faults,config,reset,public-key}`,
  },
  'Telnyx sandbox listening (baseURL for the SDK; publicKey is TELNYX_PUBLIC_KEY)',
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'Telnyx sandbox stopping');
    void sandbox.stop().then(() => process.exit(0));
  });
}
