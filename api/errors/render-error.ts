import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { logWorkflow } from '../middleware/request-logging.js';
import { ApiError, ValidationError } from './api-error.js';
import { toApiError } from './to-api-error.js';

/** Writes the error envelope `{"detail", "error", "workflow_id"?}` with the table's status. */
export function sendApiError(res: Response, error: ApiError): void {
  const { workflowId, retryAfterSeconds } = error.extras;
  if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
  // For the request's log line and the provisioning-outcome metric.
  res.locals.errorCode = error.type;
  if (workflowId) logWorkflow(res, workflowId);
  res.status(error.status).json({
    detail: error instanceof ValidationError ? error.issues : error.detail,
    error: error.type,
    ...(workflowId ? { workflow_id: workflowId } : {}),
  });
}

/** The one error middleware: known errors are rendered, the rest logged and answered 500 without internals. */
export function renderErrors(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = toApiError(error);
    if (known?.type === 'unavailable') req.log?.warn({ err: error }, 'dependency unavailable');
    if (!known) (req.log ?? logger).error({ err: error }, 'unexpected error');
    if (res.headersSent) {
      res.end();
      return;
    }
    sendApiError(res, known ?? new ApiError('internal_error'));
  };
}
