import { describe, expect, it } from 'vitest';
import { ConfigError, configKeys, loadConfig } from '../../config/config.js';

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
});
