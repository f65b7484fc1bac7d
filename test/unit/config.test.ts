import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, configKeys, loadConfig, maxOrderDeadlineMs } from '../../config/config.js';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when the environment is empty, then every key has its local default', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      DATA_DIR: '.data',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'phone-numbers',
      PORT: 3000,
      HOST: '127.0.0.1',
      ORG_NUMBER_LIMIT: 3,
      LOG_LEVEL: 'info',
    });
    for (const unset of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TELNYX_API_KEY', 'TELNYX_PUBLIC_KEY'] as const) {
      expect(config[unset]).toBeUndefined();
    }
    expect(configKeys).toEqual(expect.arrayContaining(Object.keys(config)));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when values are given as strings, then numbers are coerced and blank optional keys count as unset', () => {
    const config = loadConfig({
      PORT: '8081',
      DATABASE_URL: '  ',
      TELNYX_API_KEY: '',
      TEMPORAL_ADDRESS: 'temporal:7233',
      PROVISION_WAIT_MS: '0',
    });

    expect(config.PORT).toBe(8081);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TELNYX_API_KEY).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(config.PROVISION_WAIT_MS).toBe(0);
  });

  it('when PORT is not a port number, then the error names PORT', () => {
    expect(configError({ PORT: 'eighty' }).issues).toEqual([expect.stringMatching(/^PORT: /)]);
    expect(configError({ PORT: '70000' }).issues).toEqual(['PORT: must be a port number']);
    expect(configError({ PORT: '-1' }).issues).toEqual([expect.stringMatching(/^PORT: /)]);
  });

  it('when DATABASE_URL is not a postgres URL, then the error names DATABASE_URL', () => {
    expect(configError({ DATABASE_URL: 'mysql://db/app' }).issues).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
    expect(configError({ DATABASE_URL: 'not a url' }).issues).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/app' }).DATABASE_URL).toBe('postgresql://u:p@db:5432/app');
  });

  it('when LOG_LEVEL is not a pino level, then the error names LOG_LEVEL and the allowed values', () => {
    const error = configError({ LOG_LEVEL: 'loud' });

    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(/^LOG_LEVEL: .*"info"/);
  });

  it('when several keys are bad, then one error names every one of them', () => {
    const error = configError({
      PORT: 'x',
      DATABASE_URL: 'http://db',
      LOG_LEVEL: 'loud',
      TEMPORAL_ADDRESS: 'no-port',
      TELNYX_BASE_URL: 'nope',
      ORG_NUMBER_LIMIT: '0',
    });

    const keys = error.issues.map((issue) => issue.split(':')[0]).sort();
    expect(keys).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'ORG_NUMBER_LIMIT', 'PORT', 'TELNYX_BASE_URL', 'TEMPORAL_ADDRESS']);
    expect(error.message).toMatch(/^Invalid configuration:\n {2}- /);
    expect(error.message).toContain('TEMPORAL_ADDRESS: must be host:port');
  });

  describe('a real Telnyx key', () => {
    const realKey = { TELNYX_API_KEY: 'KEY0123456789', TELNYX_CONNECTION_ID: '1234567890', DEPLOYMENT_ID: 'production' };
    const without = (key: keyof typeof realKey) => Object.fromEntries(Object.entries(realKey).filter(([name]) => name !== key));

    it('when TELNYX_CONNECTION_ID is missing, then it is refused naming TELNYX_CONNECTION_ID, never the sandbox connection', () => {
      expect(configError(without('TELNYX_CONNECTION_ID')).issues).toEqual(['TELNYX_CONNECTION_ID: must be set when TELNYX_API_KEY is set']);
      expect(configError({ ...realKey, TELNYX_CONNECTION_ID: '  ' }).issues).toEqual([expect.stringMatching(/^TELNYX_CONNECTION_ID: /)]);
    });

    it('when DEPLOYMENT_ID is missing, then it is refused naming DEPLOYMENT_ID', () => {
      expect(configError(without('DEPLOYMENT_ID')).issues).toEqual(['DEPLOYMENT_ID: must be set when TELNYX_API_KEY is set']);
    });

    it('when TELNYX_BASE_URL is plain http to a remote host, then it is refused naming TELNYX_BASE_URL', () => {
      const error = configError({ ...realKey, TELNYX_BASE_URL: 'http://api.example.com/v2' });

      expect(error.issues).toEqual([expect.stringMatching(/^TELNYX_BASE_URL: must be https/)]);
    });

    it('when TELNYX_BASE_URL is https or a loopback Telnyx double, then it is accepted with the given connection and deployment', () => {
      for (const url of ['https://api.telnyx.com/v2', 'http://127.0.0.1:4010/v2', 'http://localhost:4010/v2']) {
        expect(loadConfig({ ...realKey, TELNYX_BASE_URL: url })).toMatchObject({
          TELNYX_BASE_URL: url,
          TELNYX_CONNECTION_ID: '1234567890',
          DEPLOYMENT_ID: 'production',
        });
      }
    });
  });

  it('when no Telnyx key is set, then the sandbox connection and deployment id apply', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      TELNYX_BASE_URL: 'http://127.0.0.1:4010/v2',
      TELNYX_CONNECTION_ID: 'sandbox-connection',
      DEPLOYMENT_ID: 'sandbox',
    });
    expect(config.TELNYX_API_KEY).toBeUndefined();
  });

  it('when ORDER_DEADLINE_MS is above 7 days, then it is refused naming ORDER_DEADLINE_MS', () => {
    const week = String(maxOrderDeadlineMs);
    const overAWeek = String(maxOrderDeadlineMs + 1);

    expect(configError({ ORDER_DEADLINE_MS: overAWeek, RECONCILE_GRACE_MS: overAWeek }).issues).toEqual([
      expect.stringMatching(/^ORDER_DEADLINE_MS: /),
    ]);
    expect(loadConfig({ ORDER_DEADLINE_MS: week, RECONCILE_GRACE_MS: week }).ORDER_DEADLINE_MS).toBe(maxOrderDeadlineMs);
  });

  it('when RECONCILE_GRACE_MS is below ORDER_DEADLINE_MS, then it is refused naming RECONCILE_GRACE_MS', () => {
    expect(configError({ ORDER_DEADLINE_MS: '7200000', RECONCILE_GRACE_MS: '3600000' }).issues).toEqual([
      'RECONCILE_GRACE_MS: must be at least ORDER_DEADLINE_MS',
    ]);
    expect(loadConfig({ ORDER_DEADLINE_MS: '7200000', RECONCILE_GRACE_MS: '7200000' }).RECONCILE_GRACE_MS).toBe(7_200_000);
  });

  describe('Temporal settings (the temporal CLI\'s profiles and TEMPORAL_* names)', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'temporal-profiles-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    let files = 0;
    const profileFile = (toml: string) => {
      const path = join(scratch, `temporal-${(files += 1)}.toml`);
      writeFileSync(path, toml);
      return path;
    };
    const profiles = profileFile(
      [
        '[profile.default]',
        'address = "file-default:7233"',
        'namespace = "from-file"',
        '[profile.cloud]',
        'address = "ns.acct.tmprl.cloud:7233"',
        'namespace = "ns.acct"',
        'api_key = "file-key"',
        '[profile.cloud.tls]',
        'server_name = "cloud.internal"',
        'server_ca_cert_data = "CA PEM"',
        '[profile.plain]',
        'address = "plain:7233"',
        '[profile.plain.tls]',
        'disabled = true',
      ].join('\n'),
    );

    it('when TEMPORAL_CONFIG_FILE is set, then its default profile gives the address and namespace', () => {
      const config = loadConfig({ TEMPORAL_CONFIG_FILE: profiles });

      expect(config).toMatchObject({ TEMPORAL_ADDRESS: 'file-default:7233', TEMPORAL_NAMESPACE: 'from-file' });
      expect(config.TEMPORAL_TLS).toBeUndefined();
    });

    it('when TEMPORAL_PROFILE names a profile, then its address, namespace, API key and TLS apply', () => {
      expect(loadConfig({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'cloud' })).toMatchObject({
        TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'ns.acct',
        TEMPORAL_API_KEY: 'file-key',
        TEMPORAL_TLS_SERVER_NAME: 'cloud.internal',
        TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'CA PEM',
      });
      expect(loadConfig({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'plain' }).TEMPORAL_TLS).toBe(false);
    });

    it('when a TEMPORAL_* variable is set too, then it wins over the profile, field by field', () => {
      const config = loadConfig({
        TEMPORAL_CONFIG_FILE: profiles,
        TEMPORAL_PROFILE: 'cloud',
        TEMPORAL_NAMESPACE: 'from-env',
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/ca.pem',
      });

      expect(config).toMatchObject({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'from-env', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/ca.pem' });
      expect(config.TEMPORAL_TLS_SERVER_CA_CERT_DATA).toBeUndefined();
    });

    it('when TEMPORAL_CONFIG_FILE is unset, then the CLI\'s default file under XDG_CONFIG_HOME is read, and none there is fine', () => {
      const configHome = join(scratch, 'xdg');
      expect(loadConfig({ XDG_CONFIG_HOME: configHome }).TEMPORAL_ADDRESS).toBeUndefined();

      mkdirSync(join(configHome, 'temporalio'), { recursive: true });
      writeFileSync(join(configHome, 'temporalio', 'temporal.toml'), '[profile.default]\naddress = "xdg:7233"\n');

      expect(loadConfig({ XDG_CONFIG_HOME: configHome }).TEMPORAL_ADDRESS).toBe('xdg:7233');
    });

    it('when the file, the profile or the profile\'s address is wrong, then the error names the key', () => {
      expect(configError({ TEMPORAL_CONFIG_FILE: join(scratch, 'missing.toml') }).issues).toEqual([expect.stringMatching(/^TEMPORAL_CONFIG_FILE: cannot read .*missing\.toml/)]);
      expect(configError({ TEMPORAL_CONFIG_FILE: profileFile('[profile.default\n') }).issues).toEqual([expect.stringMatching(/^TEMPORAL_CONFIG_FILE: cannot load /)]);
      expect(configError({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'staging' }).issues).toEqual([`TEMPORAL_PROFILE: no profile "staging" in ${profiles}`]);
      expect(configError({ TEMPORAL_CONFIG_FILE: profileFile('[profile.default]\naddress = "no-port"\n') }).issues).toEqual(['TEMPORAL_ADDRESS: must be host:port']);
    });

    it('when an alias and its standard name are both set, then equal values are accepted and different ones refused', () => {
      expect(loadConfig({ TEMPORAL_TLS_CA_PATH: '/etc/ca.pem', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/ca.pem' }).TEMPORAL_TLS_SERVER_CA_CERT_PATH).toBe('/etc/ca.pem');

      expect(configError({ TEMPORAL_TLS_CA_PATH: '/etc/a.pem', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/b.pem' }).issues).toEqual([
        'TEMPORAL_TLS_CA_PATH: is an alias of TEMPORAL_TLS_SERVER_CA_CERT_PATH and says otherwise: set one of them',
      ]);
    });

    it('when an alias is set alone, then the config carries it under the standard name and not the alias', () => {
      const config = loadConfig({ TEMPORAL_TLS_CERT_PATH: '/etc/c.pem', TEMPORAL_TLS_KEY_PATH: '/etc/k.pem' });

      expect(config).toMatchObject({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/c.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/etc/k.pem' });
      expect(Object.keys(config)).not.toContain('TEMPORAL_TLS_CERT_PATH');
    });

    it('when settings contradict each other, then each is refused with the key named', () => {
      expect(configError({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/ca.pem' }).issues).toEqual([
        'TEMPORAL_TLS: is false (TLS off) but TEMPORAL_TLS_SERVER_CA_CERT_PATH is set: drop one side',
      ]);
      expect(configError({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'plain', TEMPORAL_TLS_SERVER_NAME: 'x' }).issues).toEqual([
        expect.stringMatching(/^TEMPORAL_TLS: is false .*TEMPORAL_TLS_SERVER_NAME/),
      ]);
      expect(configError({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem', TEMPORAL_TLS_CLIENT_CERT_DATA: 'PEM', TEMPORAL_TLS_CLIENT_KEY_DATA: 'PEM' }).issues).toEqual([
        expect.stringMatching(/^TEMPORAL_TLS_CLIENT_CERT_DATA: cannot be set with TEMPORAL_TLS_CLIENT_CERT_PATH/),
      ]);
      expect(configError({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' }).issues).toEqual([
        expect.stringMatching(/^TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: is not supported by the TypeScript SDK/),
      ]);
      expect(configError({ TEMPORAL_TLS: 'maybe' }).issues).toEqual([expect.stringMatching(/^TEMPORAL_TLS: /)]);
    });
  });
});
