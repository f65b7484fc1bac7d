import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import { deleteIdentity, findIdentityByHandle, insertIdentity, listIdentities } from '../../db/repositories/identities.js';
import { findLiveNumberOfIdentity } from '../../db/repositories/phone-numbers.js';
import type { Database } from '../../db/schema.js';
import { organizationOf } from '../auth.js';
import { ApiError, notFound } from '../errors/api-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import { releasePhoneNumber } from '../numbers/release.js';
import { agentHandleSchema, stripAt } from '../shared-schemas.js';
import { presentIdentity, presentIdentityDetail } from './presenter.js';
import { createIdentityBodySchema } from './schemas.js';

export interface IdentityRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
  config: Config;
}

/** Identities are addressed by handle, which is unique only within an organization. */
export function identityRoutes(deps: IdentityRoutesDeps): Router {
  const { db } = deps;
  const router = Router();

  const findOwnIdentity = async (organizationId: string, rawHandle: string) => {
    // A handle no identity can have (one with a NUL byte would even fail the query) is simply not found.
    if (!agentHandleSchema.safeParse(rawHandle).success) throw notFound('Identity not found');
    const identity = await findIdentityByHandle(db, organizationId, stripAt(rawHandle));
    if (!identity) throw notFound('Identity not found');
    return identity;
  };

  router.post('/', async (req, res) => {
    const organizationId = organizationOf(res);
    const body = parseOrThrow(createIdentityBodySchema, req.body);
    const identity = await insertIdentity(db, organizationId, stripAt(body.agent_handle));
    if (!identity) {
      // "handle" + "already": the Inkbox SDKs then raise their typed HandleUnavailableError.
      throw new ApiError('identity_exists', `An agent identity with the handle "${stripAt(body.agent_handle)}" already exists`);
    }
    res.status(201).json(presentIdentity(identity));
  });

  router.get('/', async (_req, res) => {
    const identities = await listIdentities(db, organizationOf(res));
    res.json(identities.map(presentIdentity));
  });

  router.get('/:handle', async (req, res) => {
    const identity = await findOwnIdentity(organizationOf(res), req.params.handle);
    res.json(presentIdentityDetail(identity, await findLiveNumberOfIdentity(db, identity.id)));
  });

  /** The Inkbox SDKs' `identity.release_phone_number()`: releases the identity's number as DELETE /numbers/{id} does. */
  router.delete('/:handle/phone_number', async (req, res) => {
    const identity = await findOwnIdentity(organizationOf(res), req.params.handle);
    const liveNumber = await findLiveNumberOfIdentity(db, identity.id);
    if (!liveNumber) throw notFound(`Agent identity "${identity.agent_handle}" has no phone number`);
    await releasePhoneNumber(deps, liveNumber);
    res.status(204).end();
  });

  router.delete('/:handle', async (req, res) => {
    const identity = await findOwnIdentity(organizationOf(res), req.params.handle);
    const liveNumber = await findLiveNumberOfIdentity(db, identity.id);
    if (liveNumber) await releasePhoneNumber(deps, liveNumber);
    await deleteIdentity(db, identity.organization_id, identity.id);
    res.status(204).end();
  });

  return router;
}
