import type { DataConverter } from '@temporalio/common';
import { parseCodecKeys } from './codec-keys.js';
import { EncryptionCodec } from './encryption-codec.js';

/**
 * The data converter of every client and worker the service builds: the encryption codec when
 * PAYLOAD_CODEC_KEYS holds keys, otherwise undefined (the SDK's default, plain JSON). A bad value
 * throws a ConfigError naming PAYLOAD_CODEC_KEYS.
 */
export function payloadDataConverter(config: { PAYLOAD_CODEC_KEYS?: string | undefined }): DataConverter | undefined {
  const keyring = parseCodecKeys(config.PAYLOAD_CODEC_KEYS);
  return keyring ? { payloadCodecs: [new EncryptionCodec(keyring)] } : undefined;
}
