import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/config.js';
import { decryptSecret, encryptSecret } from '../../../db/secret-cipher.js';
import { ensureLocalSigningKeyEncryptionKey } from '../../../local/signing-key-encryption-key.js';
import { freshDataDirs } from '../../support/fresh-data-dirs.js';

const freshDataDir = freshDataDirs('signing-key-encryption-key');

describe('ensureLocalSigningKeyEncryptionKey', () => {
  it('when a data folder has none yet, then one is generated, kept owner-only in the folder and accepted by the config and the cipher', () => {
    const dataDir = freshDataDir();

    const key = ensureLocalSigningKeyEncryptionKey(dataDir);

    const file = join(dataDir, 'signing-key-encryption-key');
    expect(readFileSync(file, 'utf8').trim()).toBe(key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ SIGNING_KEY_ENCRYPTION_KEY: key }).SIGNING_KEY_ENCRYPTION_KEY).toBe(key);
    expect(decryptSecret(encryptSecret('whsec_x', key), key)).toBe('whsec_x');
  });

  it('when called again on the same folder (a restart), then it answers the same key; another folder gets another', () => {
    const dataDir = freshDataDir();
    const first = ensureLocalSigningKeyEncryptionKey(dataDir);

    expect(ensureLocalSigningKeyEncryptionKey(dataDir)).toBe(first);
    expect(ensureLocalSigningKeyEncryptionKey(freshDataDir())).not.toBe(first);
  });
});
