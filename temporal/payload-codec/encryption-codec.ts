import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { CodecKeyring } from './codec-keys.js';

/** The encoding of an encrypted payload, as in Temporal's encryption samples; anything else passes through. */
export const encryptedEncoding = 'binary/encrypted';
/** Metadata naming the key that encrypted the payload, so rotated keys still decrypt what they wrote. */
export const keyIdMetadata = 'encryption-key-id';

const ivBytes = 12;
const tagBytes = 16;
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** A payload this codec cannot decrypt: its key is not configured, or its bytes were altered. */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

/** Whether a payload is one this codec encrypts (and so one `decode` must decrypt). */
export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && fromUtf8.decode(encoding) === encryptedEncoding;
}

/**
 * AES-256-GCM over the whole original payload (metadata and data, protobuf-serialized), so the server
 * and the Web UI see neither the value nor how it was encoded. `data` is IV (12 bytes) | ciphertext |
 * tag (16 bytes). Runs outside the workflow sandbox (the client's and the worker's data converter).
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: CodecKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.encryptingKeyId;
    const key = this.keyring.keys.get(keyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = PayloadMessage.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: utf8.encode(encryptedEncoding), [keyIdMetadata]: utf8.encode(keyId) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private decrypt(payload: Payload): Payload {
    const idBytes = payload.metadata?.[keyIdMetadata];
    if (!idBytes) throw new PayloadDecryptionError(`an encrypted payload has no ${keyIdMetadata} metadata`);
    const keyId = fromUtf8.decode(idBytes);
    const key = this.keyring.keys.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `a payload was encrypted with key id "${keyId}", which PAYLOAD_CODEC_KEYS does not hold (it holds ${[...this.keyring.keys.keys()].map((id) => `"${id}"`).join(', ')}); add that key back`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < ivBytes + tagBytes) throw new PayloadDecryptionError(`a payload encrypted with key id "${keyId}" is too short to be one`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, ivBytes));
    decipher.setAuthTag(data.subarray(data.length - tagBytes));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(ivBytes, data.length - tagBytes)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`a payload encrypted with key id "${keyId}" failed authentication: it was altered, or the key with that id changed`);
    }
    const decoded = PayloadMessage.decode(plain);
    return {
      metadata: decoded.metadata,
      data: decoded.data,
      ...(decoded.externalPayloads.length ? { externalPayloads: decoded.externalPayloads } : {}),
    };
  }
}
