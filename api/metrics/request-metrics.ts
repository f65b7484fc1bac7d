import type { Request, RequestHandler, Response } from 'express';
import type { ApiMetrics } from './api-metrics.js';

/**
 * Marks requests under a mount path: routers only see their own part of the path, so the metric
 * label joins the declared mount (never the raw URL, whose case and ids would explode cardinality)
 * with the matched route pattern.
 */
export function routeMount(path: string): RequestHandler {
  const below = `${path}/*`;
  return (req, res, next) => {
    res.locals.routeMount = path;
    res.locals.routeFallback = req.path === '/' ? path : below;
    next();
  };
}

/** The matched route pattern (`/api/v1/phone/numbers/:id`); `<mount>/*` or `unmatched` when no route took the request. */
export function routeLabel(req: Request, res: Response): string {
  const mount = typeof res.locals.routeMount === 'string' ? res.locals.routeMount : '';
  const routePath: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (routePath !== undefined) {
    const pattern = String(routePath);
    return `${mount}${mount && pattern === '/' ? '' : pattern}` || '/';
  }
  return typeof res.locals.routeFallback === 'string' ? res.locals.routeFallback : 'unmatched';
}

/** What a POST /numbers ended with: 201, 202, else the error code the error envelope carried. */
function provisioningOutcome(res: Response): string {
  if (!res.writableFinished) return 'client_closed';
  if (res.statusCode === 201 || res.statusCode === 202) return String(res.statusCode);
  return typeof res.locals.errorCode === 'string' ? res.locals.errorCode : String(res.statusCode);
}

/**
 * Counts and times every request by method, route pattern and status, and POSTs to the
 * `provisioningRoutes` by outcome. A client gone before the response finished counts as status 499.
 */
export function requestMetrics(metrics: ApiMetrics, provisioningRoutes: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const startedAt = performance.now();
    res.on('close', () => {
      const labels = { method: req.method, route: routeLabel(req, res), status: res.writableFinished ? String(res.statusCode) : '499' };
      metrics.httpRequestDuration.observe(labels, (performance.now() - startedAt) / 1000);
      metrics.httpRequests.inc(labels);
      if (req.method === 'POST' && provisioningRoutes.includes(labels.route)) {
        metrics.provisioningOutcomes.inc({ outcome: provisioningOutcome(res) });
      }
    });
    next();
  };
}
