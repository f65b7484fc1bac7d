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

/** JSON up to 16 KiB; any JSON value is accepted here so that a non-object is a 422, not a 400. */
export const parseJsonBody = express.json({ limit: maxJsonBodyBytes, strict: false, type: ['application/json', 'application/*+json'] });
