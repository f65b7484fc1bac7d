import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

declare module 'node:http' {
  interface IncomingMessage {
    /** This request's logger: its lines carry the request id, and the organization and workflow once known. */
    log?: Logger;
  }
}

const acceptableRequestId = /^[\x21-\x7e]{1,128}$/;

/** What `requestLogging` leaves on a request for `req.log`. */
interface RequestLogState {
  logger: Logger;
  id: string;
  res: Response;
}

const requestLogState = Symbol('requestLogState');

type LoggedRequest = IncomingMessage & { [requestLogState]?: RequestLogState };

/** organizationId (once authenticated) and workflowId (once a workflow is involved), added to a log line's fields. */
function addLogContext(fields: Record<string, unknown>, res: Response): Record<string, unknown> {
  const locals = res.locals as Record<string, unknown>;
  if (typeof locals.organizationId === 'string') fields.organizationId = locals.organizationId;
  if (typeof locals.workflowId === 'string') fields.workflowId = locals.workflowId;
  return fields;
}

// `req.log`, defined once for every request rather than per request: a getter closure defined on each
// request object gives each request a hidden class of its own (V8 keeps accessors in the map), so every
// property access on requests, express's included, goes megamorphic. A child logger made at each use
// with the context known then, for requests that `requestLogging` saw; undefined for others. Assigning
// `req.log` gives that request its own value.
Object.defineProperty(IncomingMessage.prototype, 'log', {
  configurable: true,
  get(this: LoggedRequest): Logger | undefined {
    const state = this[requestLogState];
    return state && state.logger.child(addLogContext({ req: { id: state.id } }, state.res));
  },
  set(this: LoggedRequest, value: Logger | undefined) {
    Object.defineProperty(this, 'log', { configurable: true, enumerable: true, writable: true, value });
  },
});

/**
 * Honours a sane `X-Request-Id` (else makes one), echoes it, and logs each request as one JSON line
 * when it closes: `req` (id, method, path and query), `res.statusCode`, `responseTime` in ms, and the
 * organization and workflow learned on the way. No header is logged, so no key can be. `req.log` is
 * made on use, with the context known then: most requests log nothing but their closing line.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const header = req.headers['x-request-id'];
    const id = typeof header === 'string' && acceptableRequestId.test(header) ? header : randomUUID();
    res.setHeader('X-Request-Id', id);
    const startedAt = performance.now();
    (req as LoggedRequest)[requestLogState] = { logger, id, res };
    res.on('close', () => {
      const finished = res.writableFinished;
      const statusCode = finished ? res.statusCode : 499;
      const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const fields = addLogContext(
        {
          req: { id, method: req.method, url: req.originalUrl },
          res: { statusCode },
          responseTime: Math.round(performance.now() - startedAt),
        },
        res,
      );
      logger[level](fields, finished ? 'request completed' : 'request aborted');
    });
    next();
  };
}

/** Names the workflow a request started, joined or signalled on its log lines from here on. */
export function logWorkflow(res: Response, workflowId: string): void {
  res.locals.workflowId = workflowId;
}
