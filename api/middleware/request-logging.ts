import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
  });
}
