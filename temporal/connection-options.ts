import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { ConfigError, type Config } from '../config/config.js';

export type TemporalConnectionConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'
  | 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'
  | 'TEMPORAL_TLS_CLIENT_CERT_PATH'
  | 'TEMPORAL_TLS_CLIENT_CERT_DATA'
  | 'TEMPORAL_TLS_CLIENT_KEY_PATH'
  | 'TEMPORAL_TLS_CLIENT_KEY_DATA'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY'
>;

/** What both `Connection` (client) and `NativeConnection` (worker) take to reach the server. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

type PemName = 'SERVER_CA_CERT' | 'CLIENT_CERT' | 'CLIENT_KEY';

/**
 * The address, TLS and API key every process uses to reach Temporal, from the resolved config (profile
 * file, standard TEMPORAL_* names and our aliases: config/temporal-settings.ts). TLS is on when
 * TEMPORAL_TLS says so, or, when it is unset, when any TLS setting or an API key is given. PEM files are
 * read here, at start, so a bad path stops the process with a message naming its key.
 */
export function temporalConnectionOptions(config: TemporalConnectionConfig): TemporalConnectionOptions {
  const address = config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const pem = (name: PemName): Buffer | undefined => {
    const data = config[`TEMPORAL_TLS_${name}_DATA`];
    if (data) return Buffer.from(data);
    const path = config[`TEMPORAL_TLS_${name}_PATH`];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError([`TEMPORAL_TLS_${name}_PATH: cannot read ${path} (${error instanceof Error ? error.message : String(error)})`]);
    }
  };
  const apiKey = config.TEMPORAL_API_KEY;
  const withKey = apiKey ? { apiKey } : {};
  if (config.TEMPORAL_TLS === false) return { address, ...withKey };
  const ca = pem('SERVER_CA_CERT');
  const crt = pem('CLIENT_CERT');
  const key = pem('CLIENT_KEY');
  const serverName = config.TEMPORAL_TLS_SERVER_NAME;
  if (!(config.TEMPORAL_TLS || ca || crt || serverName || apiKey)) return { address };
  return {
    address,
    tls: {
      ...(ca ? { serverRootCACertificate: ca } : {}),
      ...(crt && key ? { clientCertPair: { crt, key } } : {}),
      ...(serverName ? { serverNameOverride: serverName } : {}),
    },
    ...withKey,
  };
}
