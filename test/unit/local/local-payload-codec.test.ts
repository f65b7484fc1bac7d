import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/config.js';
import { ensureLocalPayloadCodec } from '../../../local/local-payload-codec.js';
import { parseCodecKeys } from '../../../temporal/payload-codec/codec-keys.js';
import { freshDataDirs } from '../../support/fresh-data-dirs.js';

const freshDataDir = freshDataDirs('payload-codec');
const unset = { PAYLOAD_CODEC_KEYS: undefined, PAYLOAD_CODEC_SERVER_TOKEN: undefined };

describe('ensureLocalPayloadCodec (npm start)', () => {
  it('when npm start runs its own dev server on a new data folder, then a valid key and token are made, kept owner-only, and the same ones come back on a restart', () => {
    const dataDir = freshDataDir();

    const first = ensureLocalPayloadCodec(unset, dataDir, true);
    const again = ensureLocalPayloadCodec(unset, dataDir, true);

    expect(parseCodecKeys(first!.keys)!.encryptingKeyId).toBe('local-1');
    expect(loadConfig({ PAYLOAD_CODEC_KEYS: first!.keys, PAYLOAD_CODEC_SERVER_TOKEN: first!.token }).PAYLOAD_CODEC_SERVER_TOKEN).toBe(first!.token);
    expect(statSync(first!.file).mode & 0o777).toBe(0o600);
    expect(again).toEqual(first);
  });

  it('when PAYLOAD_CODEC_KEYS and PAYLOAD_CODEC_SERVER_TOKEN are set, then they are used and nothing is written', () => {
    const dataDir = freshDataDir();
    const configured = { PAYLOAD_CODEC_KEYS: `mine:${randomBytes(32).toString('base64')}`, PAYLOAD_CODEC_SERVER_TOKEN: randomBytes(32).toString('base64url') };

    const codec = ensureLocalPayloadCodec(configured, dataDir, true);

    expect(codec).toMatchObject({ keys: configured.PAYLOAD_CODEC_KEYS, token: configured.PAYLOAD_CODEC_SERVER_TOKEN });
    expect(existsSync(join(dataDir, 'payload-codec.json'))).toBe(false);
  });

  it('when npm start uses an external Temporal without PAYLOAD_CODEC_KEYS, then there is no codec (its other clients could not read a made-up key)', () => {
    expect(ensureLocalPayloadCodec(unset, freshDataDir(), false)).toBeUndefined();
  });
});
