import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../config/config.js';
import { temporalConnectionOptions } from '../../../temporal/connection-options.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { makeTestCertificates } from '../../support/tls-certificates.js';

const certificates = makeTestCertificates();
let proxy: TcpProxy;
let proxyAddress: string;

/** An mTLS front for the run's dev server, as a private CA and a TLS-terminating load balancer would be. */
beforeAll(async () => {
  const [host, port] = inject('temporalAddress').split(':') as [string, string];
  proxy = await startTcpProxy(
    { host, port: Number(port) },
    {
      tls: {
        key: certificates.read(certificates.serverKeyPath),
        cert: certificates.read(certificates.serverCertPath),
        ca: certificates.read(certificates.caPath),
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
      },
    },
  );
  proxyAddress = `127.0.0.1:${proxy.port}`;
});

afterAll(async () => {
  await proxy.close();
});

const mtlsConfig = () =>
  loadConfig({
    TEMPORAL_ADDRESS: proxyAddress,
    TEMPORAL_TLS_CA_PATH: certificates.caPath,
    TEMPORAL_TLS_CERT_PATH: certificates.clientCertPath,
    TEMPORAL_TLS_KEY_PATH: certificates.clientKeyPath,
  });

describe('Temporal over mTLS (TEMPORAL_TLS_* settings)', () => {
  it('when the API-side client connects with the CA and client pair, then the server answers through TLS', async () => {
    const connection = await Connection.connect({ ...temporalConnectionOptions(mtlsConfig()), connectTimeout: 10_000 });
    try {
      const namespace = await connection.workflowService.describeNamespace({ namespace: 'default' });

      expect(namespace.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  it('when the worker-side connection connects with the same settings, then it is accepted', async () => {
    const connection = await NativeConnection.connect(temporalConnectionOptions(mtlsConfig()));

    await expect(connection.close()).resolves.toBeUndefined();
  });

  it('when the same settings come from a temporal CLI profile file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), then the client connects', async () => {
    const file = join(certificates.dir, 'temporal.toml');
    writeFileSync(
      file,
      [
        '[profile.mtls]',
        `address = "${proxyAddress}"`,
        '[profile.mtls.tls]',
        `server_ca_cert_path = "${certificates.caPath}"`,
        `client_cert_path = "${certificates.clientCertPath}"`,
        `client_key_path = "${certificates.clientKeyPath}"`,
      ].join('\n'),
    );
    const connection = await Connection.connect({
      ...temporalConnectionOptions(loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'mtls' })),
      connectTimeout: 10_000,
    });
    try {
      const namespace = await connection.workflowService.describeNamespace({ namespace: 'default' });

      expect(namespace.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  it('when the client presents no certificate, then the server refuses it', async () => {
    const options = temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: proxyAddress, TEMPORAL_TLS_CA_PATH: certificates.caPath }));

    await expect(Connection.connect({ ...options, connectTimeout: 3000 })).rejects.toThrow();
  });

  it('when the server certificate is not signed by the configured CA, then the client refuses the server', async () => {
    const options = temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: proxyAddress, TEMPORAL_TLS: 'true' }));

    await expect(Connection.connect({ ...options, connectTimeout: 3000 })).rejects.toThrow();
  });
});
