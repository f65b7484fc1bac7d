import { ConfigError } from '../../config/config.js';

/** The payload codec's keys: the first encrypts, every one decrypts (rotation). */
export interface CodecKeyring {
  /** The id new payloads are encrypted under (the first in PAYLOAD_CODEC_KEYS). */
  readonly encryptingKeyId: string;
  /** Every configured key by id: 32 raw bytes each. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** What an id may look like: it is stored in every encrypted payload's metadata, so short and plain. */
const keyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Parses PAYLOAD_CODEC_KEYS (`id:base64-of-32-bytes`, comma-separated); undefined when unset or blank.
 * A bad entry stops the process with a ConfigError naming the key and the entry's position or id,
 * never the key material.
 */
export function parseCodecKeys(value: string | undefined): CodecKeyring | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const problems: string[] = [];
  const keys = new Map<string, Buffer>();
  value.split(',').forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const separator = entry.indexOf(':');
    if (separator === -1) {
      problems.push(`PAYLOAD_CODEC_KEYS: ${where} must be id:base64-key`);
      return;
    }
    const id = entry.slice(0, separator).trim();
    const material = entry.slice(separator + 1).trim();
    if (!keyIdPattern.test(id)) {
      problems.push(`PAYLOAD_CODEC_KEYS: ${where} has id "${id}"; an id is 1-64 letters, digits, ".", "_" or "-"`);
      return;
    }
    if (keys.has(id)) {
      problems.push(`PAYLOAD_CODEC_KEYS: key id "${id}" is listed twice`);
      return;
    }
    if (!base64Pattern.test(material) || Buffer.from(material, 'base64').length !== 32) {
      problems.push(`PAYLOAD_CODEC_KEYS: key "${id}" must be base64 of 32 bytes (openssl rand -base64 32)`);
      return;
    }
    keys.set(id, Buffer.from(material, 'base64'));
  });
  if (problems.length) throw new ConfigError(problems);
  const [encryptingKeyId] = keys.keys();
  return { encryptingKeyId: encryptingKeyId!, keys };
}
