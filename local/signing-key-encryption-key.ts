import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * This data folder's SIGNING_KEY_ENCRYPTION_KEY: 32 random bytes, base64, generated on the first
 * `npm start` and kept in the folder (owner-only), beside the database whose signing keys it
 * encrypts, so restarts can still read them. Losing the file loses those keys (rotate them anew).
 */
export function ensureLocalSigningKeyEncryptionKey(dataDir: string): string {
  const file = join(dataDir, 'signing-key-encryption-key');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved) return saved;
  }
  const key = randomBytes(32).toString('base64');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
