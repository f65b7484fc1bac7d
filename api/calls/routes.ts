import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { findCallOfOrganization, listCalls } from '../../db/repositories/calls.js';
import type { Database } from '../../db/schema.js';
import { organizationOf } from '../auth.js';
import { notFound } from '../errors/api-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import { logWorkflow } from '../middleware/request-logging.js';
import { uuidPattern } from '../shared-schemas.js';
import { requestHangup } from './hangup.js';
import { presentCall } from './presenter.js';
import { listCallsQuerySchema } from './schemas.js';

export interface CallRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
}

/** The organization's call records (Inkbox's `calls` resource): list, get, hang up. */
export function callRoutes(deps: CallRoutesDeps): Router {
  const { db } = deps;
  const router = Router();

  /** The organization's call; another organization's, or a malformed id, is not found. */
  const findOwnCall = async (req: Request<{ id: string }>, organizationId: string) => {
    if (!uuidPattern.test(req.params.id)) throw notFound('Call not found');
    const row = await findCallOfOrganization(db, organizationId, req.params.id.toLowerCase());
    if (!row) throw notFound('Call not found');
    return row;
  };

  router.get('/', async (req, res) => {
    const page = parseOrThrow(listCallsQuerySchema, req.query, 'query');
    const rows = await listCalls(db, organizationOf(res), page);
    res.json(rows.map(presentCall));
  });

  router.get('/:id', async (req, res) => {
    res.json(presentCall(await findOwnCall(req, organizationOf(res))));
  });

  router.post('/:id/hangup', async (req, res) => {
    const row = await findOwnCall(req, organizationOf(res));
    logWorkflow(res, row.workflow_id);
    res.json(presentCall(await requestHangup(deps, row)));
  });

  return router;
}
