import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';
import * as initial from './migrations/0001-initial.js';
import * as carrierMissing from './migrations/0002-carrier-missing.js';
import * as liveNumbersByOrgNewest from './migrations/0003-live-numbers-by-org-newest.js';
import * as failureType from './migrations/0004-failure-type.js';
import * as callsAndSigningKeys from './migrations/0005-calls-and-signing-keys.js';

/** Migrations are imported, not read from disk, so bundles and both dialects see the same list. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-carrier-missing': carrierMissing,
  '0003-live-numbers-by-org-newest': liveNumbersByOrgNewest,
  '0004-failure-type': failureType,
  '0005-calls-and-signing-keys': callsAndSigningKeys,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider });
}

/** Throws when any migration failed, so callers never start on a half-migrated schema. */
export function assertMigrated({ error, results }: MigrationResultSet): void {
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  assertMigrated(await createMigrator(db).migrateToLatest());
}
