import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { createApiKey } from '../db/repositories/api-keys.js';
import { createOrganization, findOrganization } from '../db/repositories/organizations.js';
import type { Database } from '../db/schema.js';

export interface LocalCredentials {
  organizationId: string;
  apiKey: string;
}

/**
 * The local organization and its key, made on the first start and kept (git-ignored) in the data
 * folder, so every `npm start` prints a key that works. Only its hash is in the database.
 */
export async function ensureLocalCredentials(db: Kysely<Database>, dataDir: string): Promise<LocalCredentials> {
  const file = join(dataDir, 'local-credentials.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as LocalCredentials;
    if (await findOrganization(db, saved.organizationId)) return saved;
  }
  const organization = await createOrganization(db, 'local');
  const { apiKey } = await createApiKey(db, organization.id);
  const credentials = { organizationId: organization.id, apiKey };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}
