import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Store } from 'express-rate-limit';
import type { Registry } from 'prom-client';
import swaggerUi from 'swagger-ui-express';
import type { WebhookVerifier } from '../carrier/webhook-verifier.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/schema.js';
import { requireApiKey } from './auth.js';
import { callRoutes } from './calls/routes.js';
import { notFound } from './errors/api-error.js';
import { renderErrors } from './errors/render-error.js';
import { identityRoutes } from './identities/routes.js';
import { signingKeyRoutes } from './identities/signing-key-routes.js';
import { createApiMetrics, metricsEndpoint } from './metrics/api-metrics.js';
import { requestMetrics, routeMount } from './metrics/request-metrics.js';
import { healthRoutes } from './middleware/health.js';
import { parseJsonBody, requireJsonContentType } from './middleware/json-body.js';
import { authFailureLimit, type ReadableRateLimitStore } from './middleware/auth-failure-limit.js';
import { chain } from './middleware/chain.js';
import { perKeyRateLimit } from './middleware/rate-limit.js';
import { requestLogging } from './middleware/request-logging.js';
import { numberRoutes } from './numbers/routes.js';
import { buildOpenApiDocument } from './openapi.js';
import type { HostResolver } from '../outbound/callback-url-guard.js';
import { telnyxWebhookRoute } from './webhooks/telnyx-route.js';

export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  temporal: Client;
  webhookVerifier: WebhookVerifier;
  logger: Logger;
  /** Where `/metrics` comes from; a registry of this app's own when not given (never prom-client's global one). */
  metricsRegistry?: Registry;
  /** Resolves customer callback hosts for the SSRF guard; defaults to the system resolver. */
  resolveHost?: HostResolver;
  /**
   * Where rate limits count; this process's memory unless given. Stores shared by every API process
   * (e.g. rate-limit-redis) make the limits hold across processes.
   */
  rateLimitStores?: { authFailures?: ReadableRateLimitStore; perKey?: Store };
}

/** The HTTP API. Every path also answers with a trailing slash (express 5 routers are not strict). */
export function createApp(deps: AppDeps): Express {
  const { config, db, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // The contract has no conditional requests: an ETag would only hash every response body for nothing.
  app.set('etag', false);

  const metrics = createApiMetrics(deps.metricsRegistry);
  app.use(requestMetrics(metrics, ['/api/v1/phone/numbers', '/numbers']));
  app.use(requestLogging(logger));

  // The API's mounts come first, each one layer (a chain, not nested routers): a request walks the
  // fewest layers before its route. Authentication first (made-up keys are limited per address before
  // any lookup), then the key's own budget.
  const failureLimit = authFailureLimit(config.AUTH_FAILURE_LIMIT_PER_MINUTE, deps.rateLimitStores?.authFailures);
  const api = chain(
    requireApiKey(db, { cacheTtlMs: config.API_KEY_CACHE_TTL_MS, failureLimit }),
    perKeyRateLimit(config.API_RATE_LIMIT_PER_MINUTE, deps.rateLimitStores?.perKey),
    requireJsonContentType,
    parseJsonBody,
  );
  const numbers = numberRoutes(deps);
  // One router per mount, so the auth and rate-limit middleware run once per request.
  const identities = express.Router().use(identityRoutes(deps), signingKeyRoutes(deps));
  const calls = callRoutes(deps);
  for (const [path, router] of [
    ['/api/v1/phone/numbers', numbers],
    ['/numbers', numbers],
    ['/api/v1/identities', identities],
    ['/identities', identities],
    ['/api/v1/phone/calls', calls],
    ['/calls', calls],
  ] as const) {
    app.use(path, chain(routeMount(path), api, router));
  }

  // With API_METRICS_ADDRESS, /metrics lives on that internal port only (start-api-server.ts) and is a 404 here.
  if (!config.API_METRICS_ADDRESS) app.get('/metrics', metricsEndpoint(metrics.registry));
  app.use(healthRoutes(deps));
  const openApiDocument = buildOpenApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.use('/docs', routeMount('/docs'), swaggerUi.serve, swaggerUi.setup(openApiDocument, { customSiteTitle: 'Phone numbers API' }));
  app.use('/webhooks/telnyx', routeMount('/webhooks/telnyx'), telnyxWebhookRoute(deps));

  app.use(() => {
    throw notFound();
  });
  app.use(renderErrors(logger));
  return app;
}
