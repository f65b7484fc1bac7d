import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface CallRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
}

/** The organization's call records (Inkbox's `calls` resource). */
export function callRoutes(_deps: CallRoutesDeps): Router {
  return Router();
}
