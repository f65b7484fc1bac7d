import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configKeys, loadConfig } from '../../config/config.js';
import { maxWorkflowIdLength } from '../../domain/workflow-contract.js';
import { parseCodecKeys } from '../../temporal/payload-codec/codec-keys.js';
import { startCodecServer } from '../../temporal/payload-codec/codec-server.js';
import { codecServerSettings } from '../../temporal/payload-codec/codec-server-settings.js';
import { EncryptionCodec } from '../../temporal/payload-codec/encryption-codec.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  deploy?: { replicas?: number };
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const composeText = read('../../docker-compose.yml');
const parseCompose = (text: string) => (parse(text, { merge: true }) as { services: Record<string, Service> }).services;

/** What compose substitutes for `${NAME:-default}` and `${NAME}` (the only forms the file may use), given `env`. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/(\$?)\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (whole, escaped: string, name: string, fallback?: string) =>
    escaped ? whole.slice(1) : env[name] || (fallback ?? ''),
  );
}

/** Compose interpolates the parsed values, so `KEY: ${X:-}` is an empty string, never null. */
function interpolated(env: Record<string, string>): Record<string, Service> {
  const walk = (value: unknown): unknown =>
    typeof value === 'string'
      ? interpolate(value, env)
      : Array.isArray(value)
        ? value.map(walk)
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]))
          : value;
  return walk(parseCompose(composeText)) as Record<string, Service>;
}

const services = parseCompose(composeText);
const service = (name: string, from = services): Service => {
  const found = from[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const appServices = ['migrate', 'temporal-setup', 'api', 'worker'];
/** The services an empty .env gives: every `${…}` at its default. */
const withEmptyEnv = interpolated({});
const seconds = (duration: string | undefined) => Number(/^(\d+)s$/.exec(duration ?? '')?.[1] ?? Number.NaN);
const packageScripts = (JSON.parse(read('../../package.json')) as { scripts: Record<string, string> }).scripts;
const envExample = read('../../.env.example');
const run = promisify(execFile);
/** The secrets a filled-in .env gives, made as .env.example says. */
const secrets = {
  SIGNING_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  PAYLOAD_CODEC_KEYS: `k202701:${randomBytes(32).toString('base64')},k202612:${randomBytes(32).toString('base64')}`,
  PAYLOAD_CODEC_SERVER_TOKEN: randomBytes(32).toString('base64'),
};
/** The comment block .env.example puts above `NAME=`. */
const envExampleComment = (name: string) => {
  const lines = envExample.split('\n');
  const at = lines.findIndex((line) => line.startsWith(`${name}=`));
  const comment: string[] = [];
  for (let index = at - 1; index >= 0 && lines[index]!.startsWith('#'); index -= 1) comment.unshift(lines[index]!);
  return comment.join('\n');
};

describe('docker-compose.yml', () => {
  it('when parsed, then it has PostgreSQL, the Temporal schema job, server and UI, and the app services', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgres', 'temporal-admin-tools', 'temporal', 'temporal-ui', 'codec-server', ...appServices]),
    );
    expect(service('temporal').image).toMatch(/^temporalio\/server:/);
    expect(service('temporal-admin-tools').image).toMatch(/^temporalio\/admin-tools:/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:/);
    expect(Object.values(services).map((s) => s.image)).not.toContainEqual(expect.stringMatching(/auto-setup/));
  });

  it('when the app services are read, then each is built from the Dockerfile and runs the compiled file of its npm script with node', () => {
    const scripts: Record<string, string> = {
      migrate: 'migrate',
      'temporal-setup': 'temporal:setup',
      api: 'api',
      worker: 'worker',
      sandbox: 'sandbox',
      'codec-server': 'codec-server',
    };
    for (const [name, script] of Object.entries(scripts)) {
      const command = service(name).command ?? [];
      // `tsx ops/migrate-cli.ts` compiles to dist/ops/migrate-cli.js; `node … dist/main/api.js` already names it.
      const source = packageScripts[script]?.split(' ').at(-1) ?? '';
      const compiled = source.startsWith('dist/') ? source : `dist/${source.replace(/\.ts$/, '.js')}`;

      expect(service(name).build, name).toBe('.');
      expect(command[0], name).toBe('node');
      expect(command.at(-1), name).toBe(compiled);
    }
  });

  it('when the file is read, then no variable is required: nothing aborts without Telnyx credentials', () => {
    expect(composeText).not.toMatch(/\$\{[A-Z0-9_]+:?\?/);
    expect(composeText.replaceAll('$${', '').match(/\$\{[^}]*\}/g)?.every((reference) => /^\$\{[A-Z0-9_]+:-[^}]*\}$/.test(reference))).toBe(true);
  });

  it('when .env.example is read, then it lists every variable docker-compose.yml reads', () => {
    const used = new Set([...composeText.replaceAll('$${', '').matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1]));
    const listed = new Set([...envExample.matchAll(/^([A-Z0-9_]+)=/gm)].map((match) => match[1]));

    expect(used.size).toBeGreaterThan(10);
    expect([...listed]).toEqual(expect.arrayContaining([...used]));
  });

  it('when the sandbox profile runs with an empty .env, then api and worker reach the sandbox service without a Telnyx key and config accepts them', () => {
    const sandbox = service('sandbox', withEmptyEnv);
    const api = service('api', withEmptyEnv);
    const sandboxPort = sandbox.environment?.SANDBOX_PORT;

    expect(sandbox.profiles).toEqual(['sandbox']);
    expect(sandbox.environment?.SANDBOX_HOST).toBe('0.0.0.0');
    expect(sandbox.environment?.SANDBOX_WEBHOOK_URL).toBe(`http://api:${api.environment?.PORT}/webhooks/telnyx`);
    for (const name of ['api', 'worker', 'temporal-setup']) {
      const environment = service(name, withEmptyEnv).environment ?? {};
      expect(environment.TELNYX_BASE_URL, name).toBe(`http://sandbox:${sandboxPort}/v2`);
      expect(environment.TELNYX_API_KEY, name).toBe('');
      expect(loadConfig(environment), name).toMatchObject({ TELNYX_API_KEY: undefined, DEPLOYMENT_ID: 'sandbox' });
    }
    for (const name of ['api', 'worker']) {
      expect(service(name).depends_on?.sandbox, name).toEqual({ condition: 'service_healthy', required: false });
    }
  });

  it('when a real Telnyx key is set alone, then the app refuses the environment compose gives it', () => {
    const environment = service('api', interpolated({ TELNYX_API_KEY: 'KEY0123' })).environment ?? {};

    expect(environment.TELNYX_API_KEY).toBe('KEY0123');
    expect(() => loadConfig(environment)).toThrow(/TELNYX_CONNECTION_ID|DEPLOYMENT_ID|TELNYX_PUBLIC_KEY|TELNYX_BASE_URL/);
  });

  it('when Temporal, its UI, the sandbox and the codec server are published, then only on 127.0.0.1, the UI on a port of its own', () => {
    for (const name of ['temporal', 'temporal-ui', 'sandbox', 'codec-server']) {
      const ports = service(name, withEmptyEnv).ports ?? [];
      expect(ports.length, name).toBeGreaterThan(0);
      for (const mapping of ports) expect(mapping, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
    const hostPort = (name: string) => (service(name, withEmptyEnv).ports ?? []).map((mapping) => mapping.split(':').at(-2));
    expect(hostPort('temporal-ui')).not.toContainEqual(hostPort('api')[0]);
    expect(service('worker').ports).toBeUndefined();
  });

  it('when the sandbox service passes environment, then every name is one sandbox/settings.ts reads', () => {
    const settings = read('../../sandbox/settings.ts');
    const readNames = new Set([...settings.matchAll(/env(?:\.|, ')([A-Z_]+)/g)].map((match) => match[1]));

    expect(readNames).toContain('SANDBOX_HOST');
    expect([...readNames]).toEqual(expect.arrayContaining(Object.keys(service('sandbox').environment ?? {})));
  });

  it('when api and worker stop, then their grace period outlasts the longest request', () => {
    const longestRequestSeconds = Number(service('api', withEmptyEnv).environment?.PROVISION_WAIT_MS) / 1000;
    for (const name of ['api', 'worker']) {
      expect(seconds(service(name).stop_grace_period), name).toBeGreaterThan(longestRequestSeconds + 15);
    }
  });

  it('when the worker runs, then its healthcheck asks the metrics address it serves, with node', () => {
    const worker = service('worker');
    const port = worker.environment?.WORKER_METRICS_ADDRESS?.split(':').at(-1);
    const test = worker.healthcheck?.test ?? [];

    expect(worker.environment?.WORKER_METRICS_ADDRESS).toBe('0.0.0.0:9464');
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(test[3]).toContain(`http://127.0.0.1:${port}/metrics`);
  });

  it('when the api runs, then /metrics is on an internal port of its own: exposed to the compose network, never published', () => {
    const api = service('api', withEmptyEnv);
    const metricsPort = api.environment?.API_METRICS_ADDRESS?.split(':').at(-1);
    const publishedContainerPorts = (api.ports ?? []).map((mapping) => mapping.split(':').at(-1));

    expect(api.environment?.API_METRICS_ADDRESS).toBe('0.0.0.0:9465');
    expect(api.expose).toEqual([metricsPort]);
    expect(publishedContainerPorts).not.toContain(metricsPort);
    expect(publishedContainerPorts).toEqual([api.environment?.PORT]);
    expect(loadConfig(api.environment ?? {}).API_METRICS_ADDRESS).toBe('0.0.0.0:9465');
  });

  it('when the Temporal server is created, then NUM_HISTORY_SHARDS is set explicitly', () => {
    expect(Number(service('temporal', withEmptyEnv).environment?.NUM_HISTORY_SHARDS)).toBeGreaterThanOrEqual(4);
  });

  it('when the dynamic config is read, then it allows ids as long as the ones we generate', () => {
    const dynamic = parse(read('../../docker/temporal/dynamicconfig.yaml')) as Record<string, { value: unknown }[]>;

    expect(dynamic['limit.maxIDLength']?.[0]?.value).toBeGreaterThanOrEqual(maxWorkflowIdLength);
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
  it('when the stack runs with an empty .env, then the secrets are empty, the call settings are config defaults and nothing is refused', () => {
    const defaults = loadConfig({});
    for (const name of ['api', 'worker', 'temporal-setup']) {
      const environment = service(name, withEmptyEnv).environment ?? {};
      const config = loadConfig(environment);

      expect(environment, name).toMatchObject({ SIGNING_KEY_ENCRYPTION_KEY: '', PAYLOAD_CODEC_KEYS: '' });
      expect(config.SIGNING_KEY_ENCRYPTION_KEY, name).toBeUndefined();
      expect(config.PAYLOAD_CODEC_KEYS, name).toBeUndefined();
      expect(config.CALL_WEBHOOK_TIMEOUT_MS, name).toBe(defaults.CALL_WEBHOOK_TIMEOUT_MS);
      expect(config.CALL_MAX_DURATION_MS, name).toBe(defaults.CALL_MAX_DURATION_MS);
    }
  });

  it('when .env sets the secrets and call settings, then api, worker and temporal:setup get them as given and config accepts them', () => {
    const env = { ...secrets, CALL_WEBHOOK_TIMEOUT_MS: '8000', CALL_MAX_DURATION_MS: '3600000' };
    for (const name of ['api', 'worker', 'temporal-setup']) {
      const environment = service(name, interpolated(env)).environment ?? {};
      const config = loadConfig(environment);

      expect(config, name).toMatchObject({
        SIGNING_KEY_ENCRYPTION_KEY: secrets.SIGNING_KEY_ENCRYPTION_KEY,
        PAYLOAD_CODEC_KEYS: secrets.PAYLOAD_CODEC_KEYS,
        CALL_WEBHOOK_TIMEOUT_MS: 8000,
        CALL_MAX_DURATION_MS: 3_600_000,
      });
      expect(parseCodecKeys(config.PAYLOAD_CODEC_KEYS)?.encryptingKeyId, name).toBe('k202701');
    }
  });

  it('when .env.example documents a secret, then it says how to generate it, and the codec key command it gives makes a key config accepts', async () => {
    for (const name of ['SIGNING_KEY_ENCRYPTION_KEY', 'PAYLOAD_CODEC_KEYS', 'PAYLOAD_CODEC_SERVER_TOKEN']) {
      expect(envExampleComment(name), name).toContain('openssl rand -base64 32');
    }
    const command = /echo "k\$\(date \+%Y%m\):\$\(openssl rand -base64 32\)"/.exec(envExampleComment('PAYLOAD_CODEC_KEYS'))?.[0];
    expect(command).toBeDefined();

    const generated = (await run('bash', ['-c', command!])).stdout.trim();
    const signingKey = (await run('openssl', ['rand', '-base64', '32'])).stdout.trim();

    expect(generated).toMatch(/^k\d{6}:/);
    expect(parseCodecKeys(generated)?.keys.size).toBe(1);
    expect(loadConfig({ PAYLOAD_CODEC_KEYS: generated, SIGNING_KEY_ENCRYPTION_KEY: signingKey, PAYLOAD_CODEC_SERVER_TOKEN: signingKey })).toMatchObject({
      PAYLOAD_CODEC_KEYS: generated,
      SIGNING_KEY_ENCRYPTION_KEY: signingKey,
    });
  });

  it('when the codec server is defined, then it runs only with the codec profile, listens on all interfaces and is published on its port, on 127.0.0.1', () => {
    const codecServer = service('codec-server', withEmptyEnv);
    const environment = codecServer.environment ?? {};
    const settings = codecServerSettings(loadConfig(environment));

    expect(codecServer.profiles).toEqual(['codec']);
    expect(codecServer.image).toBe(service('api').image);
    expect(environment.PAYLOAD_CODEC_SERVER_ADDRESS).toBe('0.0.0.0:8234');
    expect(settings).toMatchObject({ host: '0.0.0.0', port: 8234 });
    expect(codecServer.ports).toEqual(['127.0.0.1:8234:8234']);
    expect(configKeys).toEqual(expect.arrayContaining(Object.keys(service('codec-server').environment ?? {})));
  });

  it("when .env sets the codec keys and token, then the codec server gets the workers' keys and its token", () => {
    const stack = interpolated(secrets);
    const environment = service('codec-server', stack).environment ?? {};

    expect(environment.PAYLOAD_CODEC_KEYS).toBe(service('worker', stack).environment?.PAYLOAD_CODEC_KEYS);
    expect(loadConfig(environment)).toMatchObject({ PAYLOAD_CODEC_KEYS: secrets.PAYLOAD_CODEC_KEYS, PAYLOAD_CODEC_SERVER_TOKEN: secrets.PAYLOAD_CODEC_SERVER_TOKEN });
  });

  it("when the codec server's healthcheck runs, then it passes against a running codec server without the token and fails with none listening", async () => {
    const codecServer = service('codec-server');
    const port = Number(codecServer.environment?.PAYLOAD_CODEC_SERVER_ADDRESS?.split(':').at(-1));
    const test = codecServer.healthcheck?.test ?? [];
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(test[3]).toContain(`http://127.0.0.1:${port}/`);

    const codec = new EncryptionCodec(parseCodecKeys(secrets.PAYLOAD_CODEC_KEYS)!);
    const server = await startCodecServer({ codec, token: secrets.PAYLOAD_CODEC_SERVER_TOKEN, allowedOrigins: [], host: '127.0.0.1', port: 0 });
    const livePort = new URL(server.url).port;
    const probe = (target: string) => run(process.execPath, ['-e', test[3]!.replace(`127.0.0.1:${port}`, target)]);
    try {
      await expect(probe(`127.0.0.1:${livePort}`)).resolves.toBeDefined();
    } finally {
      await server.close();
    }
    await expect(probe(`127.0.0.1:${livePort}`)).rejects.toMatchObject({ code: 1 });
  });

  it("when the Web UI is published, then the codec server answers its origin's preflight, and the UI's codec endpoint is the one .env gives", async () => {
    const ui = service('temporal-ui', withEmptyEnv);
    const uiOrigins = [`http://localhost:${ui.ports?.[0]?.split(':').at(-2)}`, `http://127.0.0.1:${ui.ports?.[0]?.split(':').at(-2)}`];
    const { allowedOrigins } = codecServerSettings(loadConfig(service('codec-server', withEmptyEnv).environment ?? {}));
    const codec = new EncryptionCodec(parseCodecKeys(secrets.PAYLOAD_CODEC_KEYS)!);
    const server = await startCodecServer({ codec, token: secrets.PAYLOAD_CODEC_SERVER_TOKEN, allowedOrigins, host: '127.0.0.1', port: 0 });
    try {
      for (const origin of uiOrigins) {
        const preflight = await fetch(`${server.url}/decode`, {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
        });
        expect(preflight.headers.get('access-control-allow-origin'), origin).toBe(origin);
      }
    } finally {
      await server.close();
    }
    expect(ui.environment?.TEMPORAL_CORS_ORIGINS).toBe(uiOrigins[0]);

    // Empty by default: a UI pointed at a codec server it cannot authenticate to (or one not running) fails every payload.
    expect(ui.environment?.TEMPORAL_CODEC_ENDPOINT).toBe('');
    const proxied = service('temporal-ui', interpolated({ TEMPORAL_UI_CODEC_ENDPOINT: 'https://temporal.example.com/codec' }));
    expect(proxied.environment?.TEMPORAL_CODEC_ENDPOINT).toBe('https://temporal.example.com/codec');
    expect(service('temporal-ui').depends_on?.['codec-server']).toBeUndefined();
  });
});
