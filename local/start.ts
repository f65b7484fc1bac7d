import { join, resolve } from 'node:path';
import pino from 'pino';
import { assemble } from '../assembly/assemble.js';
import { carrierTarget } from '../assembly/carrier-target.js';
import { loadConfig } from '../config/config.js';
import { onShutdown } from '../lifecycle/on-shutdown.js';
import { createSandboxControl } from '../sandbox/control-client.js';
import { startSandbox } from '../sandbox/server.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';
import { startDevServer } from '../temporal/dev-server.js';
import { ensureLocalDeploymentId } from './deployment-id.js';
import { ensureLocalCredentials } from './local-credentials.js';
import { ensureLocalPayloadCodec, startLocalCodecServer } from './local-payload-codec.js';
import { ensureLocalSigningKeyEncryptionKey } from './signing-key-encryption-key.js';

/**
 * The whole stack in one command on embedded defaults; each piece is stopped in reverse on Ctrl-C.
 * Only what is local lives here (the dev server, the sandbox in this process, the deployment id, the
 * credentials and the banner); the service itself is built by the same assembly as `npm run api` and
 * `npm run worker`.
 */
// Read before the config, which needs the id (a real Telnyx key refuses to start without one); '.data' is DATA_DIR's default.
const dataDirOfEnv = resolve(process.env.DATA_DIR || '.data');
const loaded = loadConfig({
  ...process.env,
  DEPLOYMENT_ID: process.env.DEPLOYMENT_ID || ensureLocalDeploymentId(dataDirOfEnv),
  SIGNING_KEY_ENCRYPTION_KEY: process.env.SIGNING_KEY_ENCRYPTION_KEY || ensureLocalSigningKeyEncryptionKey(dataDirOfEnv),
  // With the sandbox as the carrier every caller is on this machine, and so may be the stream and webhook receivers.
  ALLOW_PRIVATE_CALLBACK_URLS: process.env.ALLOW_PRIVATE_CALLBACK_URLS || (process.env.TELNYX_API_KEY?.trim() ? 'false' : 'true'),
});
const dataDir = resolve(loaded.DATA_DIR);
// Payloads are encrypted locally too (a key made on first start unless PAYLOAD_CODEC_KEYS is set); the UI decodes them through the codec server.
const localCodec = ensureLocalPayloadCodec(loaded, dataDir, !loaded.TEMPORAL_ADDRESS);
const config = { ...loaded, DATA_DIR: dataDir, ...(localCodec ? { PAYLOAD_CODEC_KEYS: localCodec.keys, PAYLOAD_CODEC_SERVER_TOKEN: localCodec.token } : {}) };
const logger = pino({ level: config.LOG_LEVEL });
const shutdown = onShutdown([], { onError: (error) => logger.warn({ err: error }, 'error while stopping') });

async function start() {
  // Before the dev server: its Web UI is given this endpoint.
  const codecServer = localCodec ? await startLocalCodecServer(localCodec, config, logger) : undefined;
  if (codecServer) shutdown.add(() => codecServer.close());
  const devServer = config.TEMPORAL_ADDRESS
    ? null
    : await startDevServer({
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        dbFile: join(dataDir, 'temporal.sqlite'),
        ...(codecServer ? { uiCodecEndpoint: codecServer.uiEndpoint } : {}),
      });
  if (devServer) shutdown.add(() => devServer.stop());
  const temporalAddress = devServer?.address ?? temporalConnectionOptions(config).address;

  // The sandbox runs in this process where the assembly's one carrier decision picks a sandbox.
  const webhookUrl = `http://${config.HOST}:${config.PORT}/webhooks/telnyx`;
  const sandbox = carrierTarget(config).kind === 'sandbox' ? await startSandbox({ port: config.SANDBOX_PORT, stateFile: join(dataDir, 'sandbox.json'), webhookUrl }) : undefined;
  if (sandbox) {
    shutdown.add(() => sandbox.stop());
    // Every start: call and order events go to this API (the saved state may name an earlier PORT), and a
    // call answered with a stream reaches a local wss server whatever its certificate (development only).
    await createSandboxControl(sandbox.url).configure({ webhook_url: webhookUrl, media_tls_insecure: true });
  }

  const assembly = assemble({
    config,
    logger,
    shutdown,
    migrate: true,
    ...(sandbox ? { sandbox } : {}),
    ...(devServer ? { temporalConnection: { address: devServer.address } } : {}),
  });
  const { metricsAddress } = await assembly.temporalRuntime();
  const db = await assembly.database();
  // Before the worker: Telnyx without TELNYX_PUBLIC_KEY stops here, having started nothing of the service.
  await assembly.webhookVerifier();
  await assembly.worker();
  await assembly.reconcileSchedule();
  const api = await assembly.apiServer();

  const credentials = await ensureLocalCredentials(db, dataDir);
  const carrier = assembly.carrierTarget;
  const temporalUiUrl = devServer?.uiUrl ?? null;
  logger.info(
    { apiUrl: api.url, temporalAddress, temporalUiUrl, carrierBaseURL: carrier.baseURL, workerMetricsUrl: metricsAddress ? `http://${metricsAddress}/metrics` : null },
    'local stack up',
  );
  // The banner is for the person at the terminal (it names the local key); the JSON line above is for machines.
  console.log(
    [
      '',
      'Phone numbers service is up.',
      `  API:          ${api.url}/api/v1/phone/numbers`,
      `  API key:      ${credentials.apiKey}`,
      `  API docs:     ${api.url}/docs`,
      `  Temporal UI:  ${temporalUiUrl ?? `(external cluster at ${temporalAddress})`}`,
      ...(codecServer ? [`  Codec server: ${codecServer.url} (payloads are encrypted; the UI decodes through it; Bearer token in ${localCodec?.file})`] : []),
      `  Metrics:      ${api.url}/metrics (API)${metricsAddress ? `, http://${metricsAddress}/metrics (worker)` : ''}`,
      `  Carrier:      ${carrier.kind === 'telnyx' ? carrier.baseURL : `Telnyx sandbox at ${carrier.baseURL}`}`,
      ...(sandbox
        ? [
            `  Sandbox:      ${sandbox.url}/_sandbox (ring one of your numbers: POST /_sandbox/calls {"to", "from"})`,
            `  Development:  the sandbox streams to wss servers with any certificate; callback URLs ${config.ALLOW_PRIVATE_CALLBACK_URLS ? 'may' : 'may not'} be private hosts`,
          ]
        : []),
      `  Database:     ${config.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : `embedded PostgreSQL in ${join(dataDir, 'pglite')}`}`,
      '',
      `Try: curl -s -H 'X-API-Key: ${credentials.apiKey}' ${api.url}/api/v1/identities`,
      'Ctrl-C stops everything; the next `npm start` keeps the data.',
      '',
    ].join('\n'),
  );
}

start().catch(async (error: unknown) => {
  logger.fatal({ err: error }, 'local stack failed to start');
  await shutdown.shutdown(1);
});
