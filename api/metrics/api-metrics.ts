import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The API's Prometheus metrics, all in one registry that belongs to one app (never the global default). */
export interface ApiMetrics {
  registry: Registry;
  /** `http_requests_total{method,route,status}`. */
  httpRequests: Counter<'method' | 'route' | 'status'>;
  /** `http_request_duration_seconds{method,route,status}`. */
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** `phone_number_provisioning_outcomes_total{outcome}`: `201`, `202` or the error code of POST /numbers. */
  provisioningOutcomes: Counter<'outcome'>;
}

/** Provisioning answers within PROVISION_WAIT_MS (20 s by default), so the buckets reach past it. */
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30];

/** Registers the API's metrics, and the process's own (`process_*`, `nodejs_*`), in `registry`. */
export function createApiMetrics(registry: Registry = new Registry()): ApiMetrics {
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, matched route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its response, by method, matched route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: durationBuckets,
      registers: [registry],
    }),
    provisioningOutcomes: new Counter({
      name: 'phone_number_provisioning_outcomes_total',
      help: 'Answers to POST /numbers: 201 (provisioned), 202 (still provisioning) or the error code',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

/** GET /metrics in the Prometheus text format. */
export function metricsEndpoint(registry: Registry): RequestHandler {
  return async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  };
}
