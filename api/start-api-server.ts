import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createApp, type AppDeps } from './create-app.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';

export interface ApiServer {
  /** http://host:port the server listens on. */
  url: string;
  /** http://host:port/metrics of the internal metrics server, when API_METRICS_ADDRESS is set. */
  metricsUrl?: string;
  /** Stops both servers. */
  close(): Promise<void>;
}

const closeServer = (server: Server) =>
  new Promise<void>((done, fail) => {
    server.close((error) => (error ? fail(error) : done()));
    server.closeIdleConnections();
  });

/**
 * Listens with the app on host:port (0: any free port); `close` stops accepting and ends idle
 * connections. With API_METRICS_ADDRESS, `/metrics` is served only there, by a second server started
 * and closed with this one; if it cannot listen, the API does not start either.
 */
export async function startApiServer(deps: AppDeps, port: number, host = '127.0.0.1'): Promise<ApiServer> {
  const metricsRegistry = deps.metricsRegistry ?? new Registry();
  const app = createApp({ ...deps, metricsRegistry });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host);
    listening.once('error', reject);
    listening.once('listening', () => resolve(listening));
  });
  let metrics: MetricsServer | undefined;
  if (deps.config.API_METRICS_ADDRESS) {
    try {
      metrics = await startMetricsServer(metricsRegistry, deps.config.API_METRICS_ADDRESS);
    } catch (error) {
      await closeServer(server);
      throw error;
    }
  }
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    ...(metrics ? { metricsUrl: metrics.url } : {}),
    close: async () => {
      await Promise.all([closeServer(server), metrics?.close()]);
    },
  };
}
