import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { ConfigError, type Config } from '../config/config.js';

export type TemporalConnectionConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CA_PATH'
  | 'TEMPORAL_TLS_CERT_PATH'
  | 'TEMPORAL_TLS_KEY_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY'
>;

/** What both `Connection` (client) and `NativeConnection` (worker) take to reach the server. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

type PemKey = 'TEMPORAL_TLS_CA_PATH' | 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH';

/**
 * The address, TLS and API key every process uses to reach Temporal. TLS is on when TEMPORAL_TLS,
 * any TLS setting or an API key is given. The PEM files are read here, at start, so a bad path stops
 * the process with a message naming its key.
 */
export function temporalConnectionOptions(config: TemporalConnectionConfig): TemporalConnectionOptions {
  const address = config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const pem = (key: PemKey): Buffer | undefined => {
    const path = config[key];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError([`${key}: cannot read ${path} (${error instanceof Error ? error.message : String(error)})`]);
    }
  };
  const ca = pem('TEMPORAL_TLS_CA_PATH');
  const crt = pem('TEMPORAL_TLS_CERT_PATH');
  const key = pem('TEMPORAL_TLS_KEY_PATH');
  const serverName = config.TEMPORAL_TLS_SERVER_NAME;
  const apiKey = config.TEMPORAL_API_KEY;
  if (!(config.TEMPORAL_TLS || ca || crt || serverName || apiKey)) return { address };
  return {
    address,
    tls: {
      ...(ca ? { serverRootCACertificate: ca } : {}),
      ...(crt && key ? { clientCertPair: { crt, key } } : {}),
      ...(serverName ? { serverNameOverride: serverName } : {}),
    },
    ...(apiKey ? { apiKey } : {}),
  };
}
