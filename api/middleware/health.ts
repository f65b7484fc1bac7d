import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { ApiError } from '../errors/api-error.js';
import { unavailableRetryAfterSeconds } from '../errors/error-table.js';

const readinessTimeoutMs = 2_000;

/** `/healthz`: the process answers. `/readyz`: the database and Temporal answer too. */
export function healthRoutes({ db, temporal }: { db: Kysely<Database>; temporal: Client }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const checks = await Promise.allSettled([
      sql`select 1`.execute(db),
      temporal.withDeadline(Date.now() + readinessTimeoutMs, () => temporal.workflowService.getSystemInfo({})),
    ]);
    const [database, temporalCheck] = checks.map((check) => check.status === 'fulfilled');
    if (database && temporalCheck) {
      res.json({ status: 'ready', database: 'ok', temporal: 'ok' });
      return;
    }
    req.log?.warn({ database, temporal: temporalCheck }, 'not ready');
    const down = [!database && 'database', !temporalCheck && 'Temporal'].filter(Boolean).join(' and ');
    throw new ApiError('unavailable', `Not ready: ${down} unreachable`, { retryAfterSeconds: unavailableRetryAfterSeconds });
  });
  return router;
}
