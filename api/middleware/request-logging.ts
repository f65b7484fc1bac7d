import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

declare module 'node:http' {
  interface IncomingMessage {
    /** This request's logger: its lines carry the request id, and the organization and workflow once known. */
    log?: Logger;
  }
}

const acceptableRequestId = /^[\x21-\x7e]{1,128}$/;

/** organizationId (once authenticated) and workflowId (once a workflow is involved) for log lines. */
function logContextOf(res: Response): { organizationId?: string; workflowId?: string } {
  const locals = res.locals as Record<string, unknown>;
  return {
    ...(typeof locals.organizationId === 'string' ? { organizationId: locals.organizationId } : {}),
    ...(typeof locals.workflowId === 'string' ? { workflowId: locals.workflowId } : {}),
  };
}

/**
 * Honours a sane `X-Request-Id` (else makes one), echoes it, and logs each request as one JSON line
 * when it closes: `req` (id, method, path and query), `res.statusCode`, `responseTime` in ms, and the
 * organization and workflow learned on the way. No header is logged, so no key can be. `req.log` is
 * made on first use, with the context known then: most requests log nothing but their closing line.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const header = req.headers['x-request-id'];
    const id = typeof header === 'string' && acceptableRequestId.test(header) ? header : randomUUID();
    res.setHeader('X-Request-Id', id);
    const startedAt = performance.now();
    Object.defineProperty(req, 'log', {
      configurable: true,
      get: () => logger.child({ req: { id }, ...logContextOf(res) }),
    });
    res.once('close', () => {
      const statusCode = res.writableFinished ? res.statusCode : 499;
      const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
      logger[level](
        {
          req: { id, method: req.method, url: req.originalUrl },
          res: { statusCode },
          responseTime: Math.round(performance.now() - startedAt),
          ...logContextOf(res),
        },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}

/** Names the workflow a request started, joined or signalled on its log lines from here on. */
export function logWorkflow(res: Response, workflowId: string): void {
  res.locals.workflowId = workflowId;
}
