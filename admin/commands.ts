import type { Kysely } from 'kysely';
import { createApiKey, revokeApiKey } from '../db/repositories/api-keys.js';
import { createOrganization, findOrganization } from '../db/repositories/organizations.js';
import { createMigrator } from '../db/migrator.js';
import type { Database, Organization } from '../db/schema.js';
import type { AdminCommand } from './args.js';

/** A command that cannot be carried out on this database; the CLI prints it and exits 1. */
export class AdminCommandError extends Error {
  constructor(
    readonly type: 'organization_not_found' | 'api_key_not_found' | 'schema_not_migrated',
    message: string,
  ) {
    super(message);
    this.name = 'AdminCommandError';
  }
}

async function existingOrganization(db: Kysely<Database>, id: string): Promise<Organization> {
  const organization = await findOrganization(db, id);
  if (!organization) throw new AdminCommandError('organization_not_found', `no organization with id ${id}`);
  return organization;
}

/**
 * The admin CLI does not migrate (that is `npm run migrate`'s and the service's job); on a database
 * with migrations still to run it stops here with what to do, instead of failing on a missing table.
 */
export async function assertSchemaMigrated(db: Kysely<Database>): Promise<void> {
  const pending = (await createMigrator(db).getMigrations()).filter((migration) => migration.executedAt === undefined);
  if (pending.length > 0) {
    throw new AdminCommandError(
      'schema_not_migrated',
      `the database is not migrated (${pending.length} pending: ${pending.map((m) => m.name).join(', ')}); run \`npm run migrate\` (or \`npm start\`, which migrates) first`,
    );
  }
}

/** Runs one admin command and returns the object the CLI prints as its JSON line. */
export async function runAdminCommand(
  db: Kysely<Database>,
  command: Exclude<AdminCommand, { kind: 'help' }>,
): Promise<Record<string, unknown>> {
  switch (command.kind) {
    case 'org-create':
      return db.transaction().execute(async (trx) => {
        const organization = await createOrganization(trx, command.name);
        const { apiKey } = await createApiKey(trx, organization.id);
        return { organization_id: organization.id, api_key: apiKey };
      });
    case 'org-list': {
      const rows = await db.selectFrom('organizations').select(['id', 'name', 'created_at']).orderBy('created_at').orderBy('id').execute();
      return { organizations: rows };
    }
    case 'key-create': {
      const organization = await existingOrganization(db, command.organizationId);
      const { apiKey, prefix } = await createApiKey(db, organization.id);
      return { organization_id: organization.id, api_key: apiKey, prefix };
    }
    case 'key-list': {
      const organization = await existingOrganization(db, command.organizationId);
      // The key is never stored and its hash is not for operators: only the prefix names a key.
      const rows = await db
        .selectFrom('api_keys')
        .select(['prefix', 'created_at', 'revoked_at'])
        .where('organization_id', '=', organization.id)
        .orderBy('created_at')
        .orderBy('prefix')
        .execute();
      return {
        organization_id: organization.id,
        keys: rows.map((row) => ({ prefix: row.prefix, created_at: row.created_at, revoked: row.revoked_at !== null, revoked_at: row.revoked_at })),
      };
    }
    case 'key-revoke':
      if (!(await revokeApiKey(db, command.prefix))) {
        throw new AdminCommandError('api_key_not_found', `no active API key with prefix ${command.prefix}`);
      }
      return { revoked: true, prefix: command.prefix };
  }
}
