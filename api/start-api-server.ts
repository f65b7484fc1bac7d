import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from './create-app.js';

export interface ApiServer {
  /** http://host:port the server listens on. */
  url: string;
  close(): Promise<void>;
}

/** Listens with the app on host:port (0: any free port); `close` stops accepting and ends idle connections. */
export function startApiServer(deps: AppDeps, port: number, host = '127.0.0.1'): Promise<ApiServer> {
  const app = createApp(deps);
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const { port: boundPort } = server.address() as AddressInfo;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
