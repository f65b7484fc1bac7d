import { createConnection, createServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';

export interface TcpProxy {
  port: number;
  /** Drops every open connection and refuses new ones, like a database going away. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy a test can pause, to take a dependency away from one client only. With `tls`,
 * it terminates TLS (as a load balancer in front of the dependency would) and forwards plain TCP.
 */
export async function startTcpProxy(target: { host: string; port: number }, options: { tls?: TlsOptions } = {}): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let paused = false;
  const forward = (client: Socket) => {
    if (paused) return void client.destroy();
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => open.delete(socket));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };
  const server = options.tls ? createTlsServer(options.tls, forward).on('tlsClientError', () => undefined) : createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');
  return {
    port: address.port,
    pause() {
      paused = true;
      for (const socket of open) socket.destroy();
    },
    resume() {
      paused = false;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
