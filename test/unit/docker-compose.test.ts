import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configKeys } from '../../config/config.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
}

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const appServices = ['migrate', 'temporal-setup', 'api', 'worker'];

describe('docker-compose.yml', () => {
  it('when parsed, then it has PostgreSQL, the Temporal schema job, server and UI, and the app services', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgres', 'temporal-admin-tools', 'temporal', 'temporal-ui', ...appServices]),
    );
    expect(service('temporal').image).toMatch(/^temporalio\/server:/);
    expect(service('temporal-admin-tools').image).toMatch(/^temporalio\/admin-tools:/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:/);
    expect(Object.values(services).map((s) => s.image)).not.toContainEqual(expect.stringMatching(/auto-setup/));
  });

  it('when the app services are read, then each is built from the Dockerfile and runs its npm script', () => {
    for (const name of appServices) {
      expect(service(name).build, name).toBe('.');
      expect(service(name).command, name).toEqual(['npm', 'run', name === 'temporal-setup' ? 'temporal:setup' : name]);
    }
  });

  it('when the app services pass environment, then every name is a key of the config module', () => {
    for (const name of appServices) {
      const names = Object.keys(service(name).environment ?? {});
      expect(names.length, name).toBeGreaterThan(0);
      expect(configKeys, name).toEqual(expect.arrayContaining(names));
    }
  });

  it('when the api is started, then it listens on all interfaces and publishes its PORT', () => {
    const api = service('api');
    const port = api.environment?.PORT;

    expect(api.environment?.HOST).toBe('0.0.0.0');
    expect(port).toMatch(/^\d+$/);
    expect(api.ports?.map((mapping) => mapping.split(':').at(-1))).toContain(port);
  });

  it('when the app reaches Temporal, then TEMPORAL_ADDRESS names the temporal service and the port it publishes', () => {
    const [host, port] = (service('api').environment?.TEMPORAL_ADDRESS ?? '').split(':');
    const published = service('temporal').ports?.map((mapping) => mapping.split(':').at(-1));

    expect(host).toBe('temporal');
    expect(published).toContain(port);
    for (const name of ['worker', 'temporal-setup']) {
      expect(service(name).environment?.TEMPORAL_ADDRESS).toBe(`temporal:${port}`);
    }
    expect(service('temporal-ui').environment?.TEMPORAL_ADDRESS).toBe(`temporal:${port}`);
  });

  it('when the stack starts, then schema setup precedes the server and migrations and temporal:setup precede api and worker', () => {
    expect(service('temporal').depends_on?.['temporal-admin-tools']?.condition).toBe('service_completed_successfully');
    for (const name of ['api', 'worker']) {
      expect(service(name).depends_on?.migrate?.condition).toBe('service_completed_successfully');
      expect(service(name).depends_on?.['temporal-setup']?.condition).toBe('service_completed_successfully');
    }
  });

  it('when the worker is deployed, then it runs several replicas against the same database as the api', () => {
    expect(service('worker').deploy?.replicas).toBeGreaterThan(1);
    expect(service('worker').environment?.DATABASE_URL).toBe(service('api').environment?.DATABASE_URL);
    expect(service('migrate').environment?.DATABASE_URL).toBe(service('api').environment?.DATABASE_URL);
  });

  it('when the Temporal server connects to PostgreSQL, then it uses the postgres12 plugin on the postgres service', () => {
    expect(service('temporal').environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres', DB_PORT: '5432' });
    expect(service('temporal-admin-tools').environment).toMatchObject({ SQL_PLUGIN: 'postgres12', SQL_HOST: 'postgres' });
  });
});
