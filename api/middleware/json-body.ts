import express, { type RequestHandler } from 'express';
import { ApiError } from '../errors/api-error.js';

export const maxJsonBodyBytes = 16 * 1024;

const methodsWithBody = new Set(['POST', 'PUT', 'PATCH']);
const isJsonType = (req: Parameters<RequestHandler>[0]) => req.is(['application/json', 'application/*+json']) !== false;

const hasBody = (req: Parameters<RequestHandler>[0]) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** A body on POST/PUT/PATCH must be JSON (415 otherwise); GET and DELETE need no content type. */
export const requireJsonContentType: RequestHandler = (req, _res, next) => {
  if (methodsWithBody.has(req.method) && hasBody(req) && !isJsonType(req)) throw new ApiError('unsupported_media_type');
  next();
};

const jsonParser = express.json({ limit: maxJsonBodyBytes, strict: false, type: ['application/json', 'application/*+json'] });

/**
 * JSON up to 16 KiB; any JSON value is accepted here so that a non-object is a 422, not a 400. A request
 * with neither Transfer-Encoding nor Content-Length has no body (every GET the read path serves): it goes
 * on at once, as the parser would after its own checks (`req.body` stays undefined), without them.
 * Any other request, `Content-Length: 0` included (the parser makes that `{}`), goes to the parser.
 */
export const parseJsonBody: RequestHandler = (req, res, next) => {
  if (req.headers['transfer-encoding'] === undefined && req.headers['content-length'] === undefined) {
    next();
    return;
  }
  jsonParser(req, res, next);
};
