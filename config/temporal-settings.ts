import { readFileSync } from 'node:fs';
import { loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';

/** Our older names for three of Temporal's standard settings; they stay accepted as aliases. */
export const temporalAliases = {
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: 'TEMPORAL_TLS_CA_PATH',
  TEMPORAL_TLS_CLIENT_CERT_PATH: 'TEMPORAL_TLS_CERT_PATH',
  TEMPORAL_TLS_CLIENT_KEY_PATH: 'TEMPORAL_TLS_KEY_PATH',
} as const;

export type TemporalAliasKey = (typeof temporalAliases)[keyof typeof temporalAliases];

type PemName = 'SERVER_CA_CERT' | 'CLIENT_CERT' | 'CLIENT_KEY';
type PemKey = `TEMPORAL_TLS_${PemName}_${'PATH' | 'DATA'}`;

/** The Temporal keys as the environment gave them (parsed, blanks as unset). */
export type TemporalEnvironment = Partial<Record<PemKey | TemporalAliasKey, string>> & {
  TEMPORAL_CONFIG_FILE?: string;
  TEMPORAL_PROFILE?: string;
  TEMPORAL_ADDRESS?: string;
  TEMPORAL_NAMESPACE?: string;
  TEMPORAL_API_KEY?: string;
  TEMPORAL_TLS?: boolean;
  TEMPORAL_TLS_SERVER_NAME?: string;
};

/** Where the service connects: the profile with the environment over it, aliases folded into the standard names. */
export type TemporalSettings = Partial<Record<PemKey, string>> & {
  TEMPORAL_ADDRESS?: string;
  TEMPORAL_NAMESPACE: string;
  TEMPORAL_API_KEY?: string;
  /** Unset: TLS is on when any TLS setting or an API key is given. */
  TEMPORAL_TLS?: boolean;
  TEMPORAL_TLS_SERVER_NAME?: string;
};

const pemNames: PemName[] = ['SERVER_CA_CERT', 'CLIENT_CERT', 'CLIENT_KEY'];
const hostPort = /^[^\s:]+:\d+$/;

/**
 * Resolves the Temporal connection settings the way the `temporal` CLI does (`@temporalio/envconfig`):
 * the profile TEMPORAL_PROFILE (else `default`) of the TOML file TEMPORAL_CONFIG_FILE (else the CLI's
 * default file, if present), with each TEMPORAL_* variable set in the environment overriding its field.
 * An alias and its standard name may both be set only to the same value. TLS turned off next to TLS
 * files or a server name is refused. Problems go to `report` with the key they concern.
 */
export function resolveTemporalSettings(
  env: TemporalEnvironment,
  rawEnv: NodeJS.ProcessEnv,
  report: (key: string, message: string) => void,
): TemporalSettings {
  const profile = loadProfile(env, rawEnv, report);
  const fileTls = profile.tls ?? {};
  const resolved: TemporalSettings = {
    TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS ?? profile.address,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE ?? profile.namespace ?? 'default',
    TEMPORAL_API_KEY: env.TEMPORAL_API_KEY ?? profile.apiKey,
    TEMPORAL_TLS: env.TEMPORAL_TLS ?? (fileTls.disabled === undefined ? undefined : !fileTls.disabled),
    TEMPORAL_TLS_SERVER_NAME: env.TEMPORAL_TLS_SERVER_NAME ?? fileTls.serverName,
  };
  const fromFile: Record<PemName, ConfigDataSource | undefined> = {
    SERVER_CA_CERT: fileTls.serverCACert,
    CLIENT_CERT: fileTls.clientCert,
    CLIENT_KEY: fileTls.clientKey,
  };
  for (const name of pemNames) {
    const pathKey = `TEMPORAL_TLS_${name}_PATH` as const;
    const dataKey = `TEMPORAL_TLS_${name}_DATA` as const;
    const alias = temporalAliases[pathKey];
    const path = env[pathKey];
    if (path && env[alias] && path !== env[alias]) {
      report(alias, `is an alias of ${pathKey} and says otherwise: set one of them`);
    }
    const envPath = path ?? env[alias];
    if (envPath && env[dataKey]) report(dataKey, `cannot be set with ${pathKey}${env[alias] ? ` (${alias})` : ''}: give the PEM one way`);
    if (envPath || env[dataKey]) {
      resolved[pathKey] = envPath;
      resolved[dataKey] = env[dataKey];
    } else {
      const source = fromFile[name];
      if (source && 'path' in source) resolved[pathKey] = source.path;
      if (source && 'data' in source) resolved[dataKey] = typeof source.data === 'string' ? source.data : Buffer.from(source.data).toString('utf8');
    }
  }
  checkResolved(resolved, report);
  return resolved;
}

function loadProfile(env: TemporalEnvironment, rawEnv: NodeJS.ProcessEnv, report: (key: string, message: string) => void): ClientConfigProfile {
  let configSource: ConfigDataSource | undefined;
  if (env.TEMPORAL_CONFIG_FILE) {
    try {
      configSource = { data: readFileSync(env.TEMPORAL_CONFIG_FILE, 'utf8') };
    } catch (error) {
      report('TEMPORAL_CONFIG_FILE', `cannot read ${env.TEMPORAL_CONFIG_FILE} (${messageOf(error)})`);
      return {};
    }
  }
  const where = env.TEMPORAL_CONFIG_FILE ?? "the temporal CLI's config file";
  try {
    return loadClientConfigProfile({
      configSource,
      profile: env.TEMPORAL_PROFILE,
      disableEnv: true,
      // Only for finding the CLI's default file (HOME, XDG_CONFIG_HOME); the variables are applied above.
      overrideEnvVars: Object.fromEntries(Object.entries(rawEnv).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    });
  } catch (error) {
    if (env.TEMPORAL_PROFILE && /not found/.test(messageOf(error))) {
      report('TEMPORAL_PROFILE', `no profile "${env.TEMPORAL_PROFILE}" in ${where}`);
    } else {
      report(env.TEMPORAL_CONFIG_FILE ? 'TEMPORAL_CONFIG_FILE' : 'TEMPORAL_PROFILE', `cannot load ${where} (${messageOf(error)})`);
    }
    return {};
  }
}

function checkResolved(settings: TemporalSettings, report: (key: string, message: string) => void): void {
  if (settings.TEMPORAL_ADDRESS !== undefined && !hostPort.test(settings.TEMPORAL_ADDRESS)) {
    report('TEMPORAL_ADDRESS', 'must be host:port');
  }
  const has = (name: PemName) => Boolean(settings[`TEMPORAL_TLS_${name}_PATH`] ?? settings[`TEMPORAL_TLS_${name}_DATA`]);
  if (has('CLIENT_CERT') && !has('CLIENT_KEY')) {
    report('TEMPORAL_TLS_CLIENT_KEY_PATH', 'must be set with the client certificate TEMPORAL_TLS_CLIENT_CERT_PATH (alias TEMPORAL_TLS_CERT_PATH): mTLS needs both');
  }
  if (has('CLIENT_KEY') && !has('CLIENT_CERT')) {
    report('TEMPORAL_TLS_CLIENT_CERT_PATH', 'must be set with the client key TEMPORAL_TLS_CLIENT_KEY_PATH (alias TEMPORAL_TLS_KEY_PATH): mTLS needs both');
  }
  if (settings.TEMPORAL_TLS === false) {
    const tlsOnly = [...pemNames.filter(has).map((name) => `TEMPORAL_TLS_${name}_PATH`), ...(settings.TEMPORAL_TLS_SERVER_NAME ? ['TEMPORAL_TLS_SERVER_NAME'] : [])];
    if (tlsOnly.length > 0) report('TEMPORAL_TLS', `is false (TLS off) but ${tlsOnly.join(', ')} ${tlsOnly.length > 1 ? 'are' : 'is'} set: drop one side`);
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
