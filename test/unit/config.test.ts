import { describe, expect, it } from 'vitest';
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
});
