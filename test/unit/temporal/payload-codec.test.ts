import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/config.js';
import { parseCodecKeys } from '../../../temporal/payload-codec/codec-keys.js';
import { payloadDataConverter } from '../../../temporal/payload-codec/data-converter.js';
import { EncryptionCodec, encryptedEncoding, keyIdMetadata, PayloadDecryptionError } from '../../../temporal/payload-codec/encryption-codec.js';

const newKey = () => randomBytes(32).toString('base64');
const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());
/** A payload with its bytes as text, so Buffers and Uint8Arrays of equal bytes compare equal. */
const readable = (payload: Payload | undefined) => ({
  metadata: Object.fromEntries(Object.entries(payload?.metadata ?? {}).map(([key, value]) => [key, text(value)])),
  data: text(payload?.data),
});
const codecOf = (keys: string) => new EncryptionCodec(parseCodecKeys(keys)!);
const callbackUrl = 'wss://agents.example.com/media?secret=s3cr3t';
const input = () => defaultPayloadConverter.toPayload({ clientWebsocketUrl: callbackUrl, attempt: 1 });

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('PAYLOAD_CODEC_KEYS', () => {
  it('when unset or blank, then there is no codec and the data converter is the default', () => {
    expect(parseCodecKeys(undefined)).toBeUndefined();
    expect(parseCodecKeys('  ')).toBeUndefined();
    expect(payloadDataConverter({})).toBeUndefined();
  });

  it('when it lists keys, then the first encrypts and every one is held', () => {
    const keyring = parseCodecKeys(`k2:${newKey()}, k1:${newKey()}`)!;

    expect(keyring.encryptingKeyId).toBe('k2');
    expect([...keyring.keys.keys()]).toEqual(['k2', 'k1']);
    expect(keyring.keys.get('k1')).toHaveLength(32);
  });

  it.each([
    ['nocolon', 'entry 1 must be id:base64-key'],
    [`bad id!:${newKey()}`, 'entry 1 has id "bad id!"'],
    ['k1:dG9vIHNob3J0', 'key "k1" must be base64 of 32 bytes'],
    ['k1:not*base64*at*all*not*base64*at*all*not*base64', 'key "k1" must be base64 of 32 bytes'],
    [`k1:${newKey()},k1:${newKey()}`, 'key id "k1" is listed twice'],
  ])('when it is %j, then it stops with an error naming PAYLOAD_CODEC_KEYS: %s', (value, message) => {
    const error = configError(() => parseCodecKeys(value));

    expect(error.issues).toEqual([expect.stringContaining(`PAYLOAD_CODEC_KEYS: ${message}`)]);
  });

  it('when a key is bad, then the error never shows key material', () => {
    const secretish = 'c2VjcmV0LXNob3J0LWtleQ==';

    const error = configError(() => parseCodecKeys(`k1:${secretish}`));

    expect(error.message).not.toContain(secretish);
  });
});

describe('EncryptionCodec', () => {
  it('when a payload is encoded and decoded, then it comes back equal, and encoded it is binary/encrypted under the first key without the plain text', async () => {
    const codec = codecOf(`now:${newKey()},old:${newKey()}`);
    const original = input();

    const [encoded] = await codec.encode([original]);
    const [decoded] = await codec.decode([encoded!]);

    expect(text(encoded!.metadata?.[METADATA_ENCODING_KEY])).toBe(encryptedEncoding);
    expect(text(encoded!.metadata?.[keyIdMetadata])).toBe('now');
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('agents.example.com');
    expect(readable(decoded)).toEqual(readable(original));
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ clientWebsocketUrl: callbackUrl, attempt: 1 });
  });

  it('when the same value is encoded twice, then the ciphertexts differ (a fresh IV each time)', async () => {
    const codec = codecOf(`k:${newKey()}`);

    const [first, second] = await codec.encode([input(), input()]);

    expect(Buffer.from(first!.data!).equals(Buffer.from(second!.data!))).toBe(false);
  });

  it('when a payload was not encrypted (a history from before the codec), then decode passes it through unchanged', async () => {
    const codec = codecOf(`k:${newKey()}`);
    const plain: Payload = input();
    const binaryNull: Payload = { metadata: { [METADATA_ENCODING_KEY]: new TextEncoder().encode('binary/null') } };

    expect(await codec.decode([plain, binaryNull])).toEqual([plain, binaryNull]);
  });

  it('when the keys were rotated (a new key put first), then payloads encrypted under the old key still decode', async () => {
    const oldKey = newKey();
    const [underOld] = await codecOf(`2024:${oldKey}`).encode([input()]);
    const rotated = codecOf(`2025:${newKey()},2024:${oldKey}`);

    const [decoded] = await rotated.decode([underOld!]);
    const [reencoded] = await rotated.encode([decoded!]);

    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ clientWebsocketUrl: callbackUrl, attempt: 1 });
    expect(text(reencoded!.metadata?.[keyIdMetadata])).toBe('2025');
  });

  it('when a payload names a key id that is not configured, then decode fails naming that id', async () => {
    const [encoded] = await codecOf(`retired:${newKey()}`).encode([input()]);

    const decoding = codecOf(`current:${newKey()}`).decode([encoded!]);

    await expect(decoding).rejects.toThrow(PayloadDecryptionError);
    await expect(decoding).rejects.toThrow(/key id "retired", which PAYLOAD_CODEC_KEYS does not hold \(it holds "current"\)/);
  });

  it('when one byte of the ciphertext is changed, then decode fails authentication instead of returning altered data', async () => {
    const codec = codecOf(`k:${newKey()}`);
    const [encoded] = await codec.encode([input()]);
    const tampered = Buffer.from(encoded!.data!);
    tampered[20] = tampered[20]! ^ 0x01;

    await expect(codec.decode([{ ...encoded!, data: tampered }])).rejects.toThrow(/key id "k" failed authentication/);
  });

  it('when a key id was reused for a different key, then decode fails authentication', async () => {
    const [encoded] = await codecOf(`k:${newKey()}`).encode([input()]);

    await expect(codecOf(`k:${newKey()}`).decode([encoded!])).rejects.toThrow(/failed authentication/);
  });
});
