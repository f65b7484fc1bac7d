import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { decryptSecret, encryptSecret } from '../secret-cipher.js';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Inkbox's form of a webhook signing key: `whsec_` and 32 random bytes, hex. */
const newSigningKey = () => `whsec_${randomBytes(32).toString('hex')}`;

/**
 * Creates or rotates the identity's signing key, stored encrypted; resolves the plain key (shown to the
 * caller once, never again) and when it was created, or undefined when the identity is not the organization's.
 */
export async function rotateSigningKey(
  db: Db,
  organizationId: string,
  identityId: string,
  encryptionKey: string,
): Promise<{ signingKey: string; createdAt: Date } | undefined> {
  const signingKey = newSigningKey();
  const row = await db
    .updateTable('identities')
    .set({
      signing_key_ciphertext: encryptSecret(signingKey, encryptionKey),
      signing_key_created_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', identityId)
    .where('organization_id', '=', organizationId)
    .returning('signing_key_created_at')
    .executeTakeFirst();
  return row?.signing_key_created_at ? { signingKey, createdAt: row.signing_key_created_at } : undefined;
}

/** The identity's plain signing key (for signing a webhook), or undefined when it has none. */
export async function readSigningKey(db: Db, identityId: string, encryptionKey: string): Promise<string | undefined> {
  const row = await db.selectFrom('identities').select('signing_key_ciphertext').where('id', '=', identityId).executeTakeFirst();
  return row?.signing_key_ciphertext ? decryptSecret(row.signing_key_ciphertext, encryptionKey) : undefined;
}
