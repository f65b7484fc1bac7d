import type { Kysely } from 'kysely';
import { createApiKey, revokeApiKey } from '../db/repositories/api-keys.js';
import { createOrganization, findOrganization } from '../db/repositories/organizations.js';
import type { Database } from '../db/schema.js';
import type { AdminCommand } from './args.js';

/** A command that cannot be carried out on this database; the CLI prints it and exits 1. */
export class AdminCommandError extends Error {
  constructor(
    readonly type: 'organization_not_found' | 'api_key_not_found',
    message: string,
  ) {
    super(message);
    this.name = 'AdminCommandError';
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
    case 'key-create': {
      const organization = await findOrganization(db, command.organizationId);
      if (!organization) {
        throw new AdminCommandError('organization_not_found', `no organization with id ${command.organizationId}`);
      }
      const { apiKey, prefix } = await createApiKey(db, organization.id);
      return { organization_id: organization.id, api_key: apiKey, prefix };
    }
    case 'key-revoke':
      if (!(await revokeApiKey(db, command.prefix))) {
        throw new AdminCommandError('api_key_not_found', `no active API key with prefix ${command.prefix}`);
      }
      return { revoked: true, prefix: command.prefix };
  }
}
