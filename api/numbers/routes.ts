import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import { readPhoneNumberById, readPhoneNumberView, readPhoneNumberViews, updateCallSettings } from '../../db/repositories/phone-numbers.js';
import type { Database } from '../../db/schema.js';
import { liveStatuses, type CallSettings, type PhoneNumberStatus } from '../../domain/phone-number.js';
import { organizationOf } from '../auth.js';
import { ApiError, numberForbidden, phoneNumberNotFound, ValidationError } from '../errors/api-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import { logWorkflow } from '../middleware/request-logging.js';
import { sendJson } from '../middleware/send-json.js';
import { createCallbackUrlGuard, systemResolver, type HostResolver } from '../../outbound/callback-url-guard.js';
import { uuidPattern } from '../shared-schemas.js';
import { assertSafeCallbackUrls } from './callback-urls.js';
import { presentPhoneNumber } from './presenter.js';
import { provisionPhoneNumber } from './provision.js';
import { releasePhoneNumber } from './release.js';
import { callSettingsIssues, callSettingsOf, listNumbersQuerySchema, provisionNumberBodySchema, updateNumberBodySchema } from './schemas.js';

export interface NumberRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
  config: Config;
  resolveHost?: HostResolver | undefined;
}

export const canonicalNumbersPath = '/api/v1/phone/numbers';

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ValidationError([
      { loc: ['header', 'Idempotency-Key'], msg: 'Must be 1-255 visible ASCII characters', type: 'value_error' },
    ]);
  }
  return key;
}

/**
 * The statuses GET /numbers lists: without a query string (the usual list), the schema's default without
 * running the parser (it ignores other parameters and defaults a missing status to the live statuses).
 */
const listedStatuses = (req: Request): readonly PhoneNumberStatus[] =>
  req.url.includes('?') ? parseOrThrow(listNumbersQuerySchema, req.query, 'query').status : liveStatuses;

const prefersAsync = (req: Request): boolean =>
  (req.get('prefer') ?? '').split(/[,;]/).some((token) => token.trim().toLowerCase() === 'respond-async');

export function numberRoutes(deps: NumberRoutesDeps): Router {
  const { db } = deps;
  const router = Router();
  const callbackUrlGuard = createCallbackUrlGuard({
    allowPrivate: deps.config.ALLOW_PRIVATE_CALLBACK_URLS,
    resolveHost: deps.resolveHost ?? systemResolver,
  });

  /** The organization's number as `read` gives it, 403 for another organization's, 404 for none (or a malformed id). */
  const ownNumber = async <Row extends { organization_id: string }>(
    req: Request<{ id: string }>,
    organizationId: string,
    read: (db: Kysely<Database>, id: string) => Promise<Row | undefined>,
  ): Promise<Row> => {
    if (!uuidPattern.test(req.params.id)) throw phoneNumberNotFound();
    const row = await read(db, req.params.id.toLowerCase());
    if (!row) throw phoneNumberNotFound();
    if (row.organization_id !== organizationId) throw numberForbidden();
    return row;
  };
  const findOwnNumber = (req: Request<{ id: string }>, organizationId: string) => ownNumber(req, organizationId, readPhoneNumberById);

  router.post('/', async (req, res) => {
    const organizationId = organizationOf(res);
    const idempotencyKey = idempotencyKeyOf(req);
    const body = parseOrThrow(provisionNumberBodySchema, req.body);
    if (body.state && body.type !== 'local') {
      throw new ValidationError([{ loc: ['body', 'state'], msg: 'state is only allowed with type "local"', type: 'value_error' }]);
    }
    const settingsIssues = callSettingsIssues(callSettingsOf(body));
    if (settingsIssues.length > 0) throw new ValidationError(settingsIssues);
    await assertSafeCallbackUrls(callbackUrlGuard, body);

    const outcome = await provisionPhoneNumber(deps, {
      organizationId,
      body,
      idempotencyKey,
      respondAsync: prefersAsync(req),
      onWorkflowId: (workflowId) => logWorkflow(res, workflowId),
    });
    if (outcome.status === 202) res.location(`${canonicalNumbersPath}/${outcome.row.id}`);
    res.status(outcome.status).json(presentPhoneNumber(outcome.row));
  });

  router.get('/', async (req, res) => {
    const rows = await readPhoneNumberViews(db, organizationOf(res), listedStatuses(req));
    sendJson(res, rows.map(presentPhoneNumber));
  });

  router.get('/:id', async (req, res) => {
    sendJson(res, presentPhoneNumber(await ownNumber(req, organizationOf(res), readPhoneNumberView)));
  });

  router.patch('/:id', async (req, res) => {
    const row = await findOwnNumber(req, organizationOf(res));
    if (row.status === 'released') throw new ApiError('number_released');
    const changes = parseOrThrow(updateNumberBodySchema, req.body ?? {});
    if (Object.keys(changes).length === 0) {
      res.json(presentPhoneNumber(row));
      return;
    }
    const merged: CallSettings = {
      incomingCallAction: changes.incoming_call_action ?? row.incoming_call_action,
      clientWebsocketUrl:
        changes.client_websocket_url === undefined ? row.client_websocket_url : changes.client_websocket_url,
      incomingCallWebhookUrl:
        changes.incoming_call_webhook_url === undefined ? row.incoming_call_webhook_url : changes.incoming_call_webhook_url,
    };
    const issues = callSettingsIssues(merged);
    if (issues.length > 0) throw new ValidationError(issues);
    await assertSafeCallbackUrls(callbackUrlGuard, changes);
    const updated = await updateCallSettings(db, row.organization_id, row.id, merged);
    if (!updated) throw new ApiError('number_released');
    res.json(presentPhoneNumber(updated));
  });

  router.delete('/:id', async (req, res) => {
    const row = await findOwnNumber(req, organizationOf(res));
    const releaseWorkflowId = await releasePhoneNumber(deps, row);
    if (releaseWorkflowId) logWorkflow(res, releaseWorkflowId);
    res.status(204).end();
  });

  return router;
}
