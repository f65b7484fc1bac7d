import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const keyPrefixLength = 12;

/** The key's SHA-256 in hex, as stored in `api_keys.key_hash`. */
export function hashApiKey(apiKey: string): string {
  return hash('sha256', apiKey, 'hex');
}

/** Makes a key `ink_<random>`; only its SHA-256 and its first characters are stored. It is shown once. */
export async function createApiKey(db: Db, organizationId: string): Promise<{ apiKey: string; prefix: string }> {
  const apiKey = `ink_${randomBytes(24).toString('base64url')}`;
  const prefix = apiKey.slice(0, keyPrefixLength);
  await db.insertInto('api_keys').values({ organization_id: organizationId, prefix, key_hash: hashApiKey(apiKey) }).execute();
  return { apiKey, prefix };
}

/** An unrevoked key's id and organization, or null. Hashes compare in constant time. */
export async function findApiKey(db: Db, apiKey: string): Promise<{ keyId: string; organizationId: string } | null> {
  return findApiKeyByHash(db, hashApiKey(apiKey));
}

/** `findApiKey` for a key already hashed with `hashApiKey` (the API hashes each presented key once). */
export async function findApiKeyByHash(db: Db, keyHash: string): Promise<{ keyId: string; organizationId: string } | null> {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'organization_id', 'key_hash'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !timingSafeEqual(Buffer.from(row.key_hash, 'hex'), Buffer.from(keyHash, 'hex'))) return null;
  return { keyId: row.id, organizationId: row.organization_id };
}

/** The organization an unrevoked key belongs to, or null. */
export async function findOrganizationIdByApiKey(db: Db, apiKey: string): Promise<string | null> {
  return (await findApiKey(db, apiKey))?.organizationId ?? null;
}

/** Revokes the key with this prefix; resolves whether one was revoked. */
export async function revokeApiKey(db: Db, prefix: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('prefix', '=', prefix)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
