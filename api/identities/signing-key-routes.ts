import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import type { Database } from '../../db/schema.js';

export interface SigningKeyRoutesDeps {
  db: Kysely<Database>;
  config: Config;
}

/** An identity's webhook signing key: `POST` creates or rotates it, `GET` tells whether one exists. */
export function signingKeyRoutes(_deps: SigningKeyRoutesDeps): Router {
  return Router();
}
