import { join } from 'node:path';
import { loadConfig } from '../../config/config.js';
import { startSandbox } from './server.js';

const config = loadConfig();
const sandbox = await startSandbox({
  port: config.SANDBOX_PORT,
  stateFile: join(config.DATA_DIR, 'sandbox.json'),
  webhookUrl: process.env.SANDBOX_WEBHOOK_URL ?? `http://127.0.0.1:${config.PORT}/webhooks/telnyx`,
});
console.log(`Telnyx sandbox listening on ${sandbox.url} (SDK baseURL ${sandbox.baseURL})`);
console.log(`Webhook public key (TELNYX_PUBLIC_KEY): ${sandbox.publicKey}`);
console.log(`Control API: ${sandbox.url}/_sandbox/{numbers,orders,requests,faults,config,reset,public-key}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.stop().then(() => process.exit(0));
  });
}
