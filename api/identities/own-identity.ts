import type { Kysely } from 'kysely';
import { findIdentityByHandle } from '../../db/repositories/identities.js';
import type { Database, Identity } from '../../db/schema.js';
import { notFound } from '../errors/api-error.js';
import { agentHandleSchema, stripAt } from '../shared-schemas.js';

/** The organization's identity with this handle (a leading @ accepted), else 404 `not_found`. */
export async function findOwnIdentity(db: Kysely<Database>, organizationId: string, rawHandle: string): Promise<Identity> {
  // A handle no identity can have (one with a NUL byte would even fail the query) is simply not found.
  if (!agentHandleSchema.safeParse(rawHandle).success) throw notFound('Identity not found');
  const identity = await findIdentityByHandle(db, organizationId, stripAt(rawHandle));
  if (!identity) throw notFound('Identity not found');
  return identity;
}
