import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { parseCodecKeys } from '../temporal/payload-codec/codec-keys.js';
import { startCodecServer, type CodecServer } from '../temporal/payload-codec/codec-server.js';
import { codecServerSettings } from '../temporal/payload-codec/codec-server-settings.js';
import { EncryptionCodec } from '../temporal/payload-codec/encryption-codec.js';

/** What `npm start` encrypts payloads with, and the token its codec server asks for. */
export interface LocalPayloadCodec {
  keys: string;
  token: string;
  /** Where a generated key or token is kept. */
  file: string;
}

interface Saved {
  keys?: string;
  token?: string;
}

/**
 * PAYLOAD_CODEC_KEYS and PAYLOAD_CODEC_SERVER_TOKEN for `npm start`: the configured ones; otherwise,
 * when `npm start` runs its own dev server, a key and a token made on the first start and kept
 * (git-ignored, mode 0600) in DATA_DIR/payload-codec.json, so local histories are encrypted as in a
 * deployment and stay readable after a restart. Undefined (no codec) against an external Temporal
 * without PAYLOAD_CODEC_KEYS: its other clients could not read what a made-up key encrypted.
 */
export function ensureLocalPayloadCodec(
  config: Pick<Config, 'PAYLOAD_CODEC_KEYS' | 'PAYLOAD_CODEC_SERVER_TOKEN'>,
  dataDir: string,
  ownsDevServer: boolean,
): LocalPayloadCodec | undefined {
  const file = join(dataDir, 'payload-codec.json');
  const saved: Saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Saved) : {};
  const keys = config.PAYLOAD_CODEC_KEYS ?? (ownsDevServer ? (saved.keys ?? `local-1:${randomBytes(32).toString('base64')}`) : undefined);
  if (!keys) return undefined;
  const token = config.PAYLOAD_CODEC_SERVER_TOKEN ?? saved.token ?? randomBytes(32).toString('base64url');
  const keep: Saved = { ...saved, ...(config.PAYLOAD_CODEC_KEYS ? {} : { keys }), ...(config.PAYLOAD_CODEC_SERVER_TOKEN ? {} : { token }) };
  if (keep.keys !== saved.keys || keep.token !== saved.token) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(keep, null, 2)}\n`, { mode: 0o600 });
  }
  return { keys, token, file };
}

/**
 * The codec server beside the dev server's Web UI. That UI cannot send an Authorization header of our
 * choosing, so this one also takes the token as the endpoint's first path segment (`uiEndpoint`); both
 * listen on loopback only, by default.
 */
export function startLocalCodecServer(
  codec: LocalPayloadCodec,
  config: Pick<Config, 'PAYLOAD_CODEC_SERVER_ADDRESS' | 'PAYLOAD_CODEC_SERVER_ORIGINS' | 'TEMPORAL_UI_PORT'>,
  logger: Logger,
): Promise<CodecServer> {
  return startCodecServer({
    codec: new EncryptionCodec(parseCodecKeys(codec.keys)!),
    token: codec.token,
    tokenInPath: true,
    ...codecServerSettings(config),
    logger,
  });
}
