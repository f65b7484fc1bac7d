import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const acceptableRequestId = /^[\x21-\x7e]{1,128}$/;

/** Secrets never reach the logs. */
export const redactedPaths = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/** Honours a sane `X-Request-Id` (else makes one), echoes it, and logs each request as one JSON line. */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger: logger.child({}, { redact: { paths: redactedPaths, censor: '[redacted]' } }),
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const header = req.headers['x-request-id'];
      const id = typeof header === 'string' && acceptableRequestId.test(header) ? header : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    // Read again when the response finishes, so the request's closing line names what was learned on the way.
    customProps: (_req, res) => logContextOf(res as unknown as Response),
  });
}

/** organizationId (once authenticated) and workflowId (once a workflow is involved) for log lines. */
function logContextOf(res: Response): { organizationId?: string; workflowId?: string } {
  const locals = (res.locals ?? {}) as Record<string, unknown>;
  return {
    ...(typeof locals.organizationId === 'string' ? { organizationId: locals.organizationId } : {}),
    ...(typeof locals.workflowId === 'string' ? { workflowId: locals.workflowId } : {}),
  };
}

/** After authentication: every later line of the request (`req.log`) names the organization. */
export const logOrganization: RequestHandler = (req, res, next) => {
  if (req.log && typeof res.locals.organizationId === 'string') req.log = req.log.child({ organizationId: res.locals.organizationId });
  next();
};

/** Names the workflow a request started, joined or signalled on its log lines from here on. */
export function logWorkflow(res: Response, workflowId: string): void {
  res.locals.workflowId = workflowId;
  const req = res.req;
  if (req?.log) req.log = req.log.child({ workflowId });
}
