import pino from 'pino';
import { ConfigError, loadConfig } from '../config/config.js';
import { onShutdown } from '../lifecycle/on-shutdown.js';
import { parseCodecKeys } from '../temporal/payload-codec/codec-keys.js';
import { startCodecServer } from '../temporal/payload-codec/codec-server.js';
import { codecServerSettings } from '../temporal/payload-codec/codec-server-settings.js';
import { EncryptionCodec } from '../temporal/payload-codec/encryption-codec.js';

/**
 * `npm run codec-server`: Temporal's remote codec endpoint, so the Web UI and the `temporal` CLI show
 * payloads the workers encrypted, to whoever holds PAYLOAD_CODEC_SERVER_TOKEN. Same keys as the workers.
 */
const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL });
const shutdown = onShutdown([], { onError: (error) => logger.warn({ err: error }, 'error while stopping') });

try {
  const keyring = parseCodecKeys(config.PAYLOAD_CODEC_KEYS);
  const token = config.PAYLOAD_CODEC_SERVER_TOKEN;
  const missing = [
    ...(keyring ? [] : ["PAYLOAD_CODEC_KEYS: must be set: the codec server decrypts with the workers' keys"]),
    ...(token ? [] : ['PAYLOAD_CODEC_SERVER_TOKEN: must be set: the codec server answers only requests that carry it']),
  ];
  if (missing.length) throw new ConfigError(missing);
  const settings = codecServerSettings(config);
  const server = await startCodecServer({ codec: new EncryptionCodec(keyring!), token: token!, ...settings, logger });
  shutdown.add(() => server.close());
  logger.info({ url: server.url, allowedOrigins: settings.allowedOrigins }, 'codec server listening');
} catch (error) {
  logger.fatal({ err: error }, 'codec server failed to start');
  await shutdown.shutdown(1);
}
