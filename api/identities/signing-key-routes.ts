import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import { rotateSigningKey } from '../../db/repositories/signing-keys.js';
import type { Database } from '../../db/schema.js';
import { organizationOf } from '../auth.js';
import { ApiError, notFound } from '../errors/api-error.js';
import { findOwnIdentity } from './own-identity.js';
import { presentSigningKey, presentSigningKeyStatus } from './signing-key-presenter.js';

export interface SigningKeyRoutesDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'SIGNING_KEY_ENCRYPTION_KEY'>;
}

/**
 * An identity's webhook signing key: `POST` creates or rotates it and shows it this once (any body is
 * ignored: the Inkbox SDK sends `{}`), `GET` tells whether one exists. The key is in no log line.
 */
export function signingKeyRoutes(deps: SigningKeyRoutesDeps): Router {
  const { db } = deps;
  const router = Router();

  router.post('/:handle/signing-key', async (req, res) => {
    const organizationId = organizationOf(res);
    const identity = await findOwnIdentity(db, organizationId, req.params.handle);
    const encryptionKey = deps.config.SIGNING_KEY_ENCRYPTION_KEY;
    if (!encryptionKey) throw new ApiError('signing_keys_unavailable');
    const created = await rotateSigningKey(db, organizationId, identity.id, encryptionKey);
    // Deleted between the lookup and the update.
    if (!created) throw notFound('Identity not found');
    res.json(presentSigningKey(created));
  });

  router.get('/:handle/signing-key', async (req, res) => {
    res.json(presentSigningKeyStatus(await findOwnIdentity(db, organizationOf(res), req.params.handle)));
  });

  return router;
}
