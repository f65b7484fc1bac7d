import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The stored form: `v1.<iv>.<auth tag>.<ciphertext>`, each base64url. The version names the algorithm. */
const format = 'v1';

function keyBytes(keyBase64: string): Buffer {
  const key = Buffer.from(keyBase64, 'base64');
  if (key.length !== 32) throw new Error('the encryption key must be base64 of 32 bytes');
  return key;
}

/** Encrypts a secret for storage with AES-256-GCM under `keyBase64` (a fresh 96-bit IV each time). */
export function encryptSecret(plain: string, keyBase64: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes(keyBase64), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [format, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/** Decrypts what `encryptSecret` stored; throws when the key is wrong or the value was altered. */
export function decryptSecret(stored: string, keyBase64: string): string {
  const [version, iv, tag, ciphertext] = stored.split('.');
  if (version !== format || !iv || !tag || ciphertext === undefined) throw new Error('not a stored secret of format v1');
  const decipher = createDecipheriv('aes-256-gcm', keyBytes(keyBase64), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
