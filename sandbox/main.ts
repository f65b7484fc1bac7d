import { join } from 'node:path';
import pino from 'pino';
import { startSandbox } from './server.js';
import { readSandboxSettings } from './settings.js';

/** `npm run sandbox`: the Telnyx sandbox alone, logging one JSON line with where to reach it. */
const settings = readSandboxSettings();
const logger = pino({ level: settings.logLevel });
const sandbox = await startSandbox({
  port: settings.port,
  host: settings.host,
  stateFile: join(settings.dataDir, 'sandbox.json'),
  webhookUrl: settings.webhookUrl,
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
