import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { closingOnFailure } from '../assembly/closing-on-failure.js';
import { embeddedShutdown } from '../assembly/embedded-shutdown.js';
import { createDatabase } from '../db/connect.js';
import { createScratchDatabase } from '../db/scratch-database.js';
import type { Database } from '../db/schema.js';
import { startDevServer, type DevServer } from '../temporal/dev-server.js';
import { freePort } from '../sandbox/free-port.js';
import { generateSigningKeys } from '../sandbox/keys.js';
import { findPid } from './cpu.js';
import { npmScriptCommand, spawnNode, type ChildHandle } from './processes.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const provisionTaskQueue = 'bench-provision';

export interface StackOptions {
  logLevel: string;
  /** Extra environment for the API and worker (tuning keys); the caller's own environment passes through too. */
  env?: Record<string, string>;
  /** When set, the worker runs under `node --cpu-prof` and writes its profiles here when it exits. */
  workerCpuProfDir?: string;
  /**
   * Node flags for the API and the worker after their npm scripts' own (the later V8 flag wins), to compare
   * heap settings without editing package.json, e.g. `--max-semi-space-size=0` for V8's own young generation.
   */
  extraNodeArgs?: string[];
}

export interface BenchStack {
  db: Kysely<Database>;
  databaseUrl: string;
  temporalAddress: string;
  apiUrl: string;
  sandboxUrl: string;
  /** The processes whose memory is measured. */
  api: ChildHandle;
  worker: ChildHandle;
  /** The Temporal dev server's own process (found in /proc by its port), or null if it could not be found. */
  temporalPid: number | null;
  /** The sandbox process running now (it is restarted per run). */
  sandboxPid(): number | null;
  childEnv: NodeJS.ProcessEnv;
  logDir: string;
  /** Base64 Ed25519 key the API verifies Telnyx webhooks with (TELNYX_PUBLIC_KEY); sandboxes started `signing` sign with its pair. */
  webhookPublicKey: string;
  /**
   * A fresh sandbox on the same port, selling from `numberOffset` (its sold list stays short), with
   * webhooks off. With `signing`, it signs with the key the API knows and posts its events to `webhookUrl`
   * (its keys come from a state file, which it then keeps writing: only the call scenario needs that).
   */
  restartSandbox(numberOffset: number, latencyMs: number, options?: { signing?: boolean; webhookUrl?: string }): Promise<void>;
  spawn(name: string, file: string, args?: string[]): ChildHandle;
  stop(): Promise<void>;
}


async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * Everything on loopback: a fresh migrated database (dropped at stop), an in-memory Temporal dev
 * server, the sandbox, and the API and worker as child processes started by their own `main` files.
 */
export async function startBenchStack(options: StackOptions): Promise<BenchStack> {
  const logDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const shutdown = embeddedShutdown((error) => console.error('bench: while stopping:', error));
  return closingOnFailure(shutdown, async () => {
    const database = await createScratchDatabase(serverUrl, 'bench_');
    shutdown.add(() => database.drop());
    const databaseUrl = database.url;
    const db = createDatabase({ databaseUrl, dataDir: logDir, poolSize: 10 });
    shutdown.add(() => db.destroy());

    const devServer: DevServer = await startDevServer({ port: await freePort(), uiPort: null, namespace: 'default', dbFile: null });
    shutdown.add(() => devServer.stop());

    const sandboxPort = await freePort();
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    const apiPort = await freePort();
    // Every sandbox would otherwise sign with a key of its own, and the API reads one at start.
    const signingKeys = generateSigningKeys();
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: logDir,
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: provisionTaskQueue,
      TELNYX_API_KEY: '',
      TELNYX_BASE_URL: `${sandboxUrl}/v2`,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: options.logLevel,
      ORG_NUMBER_LIMIT: '1000000',
      API_RATE_LIMIT_PER_MINUTE: '100000000',
      PROVISION_WAIT_MS: '60000',
      RECONCILE_ENABLED: 'false',
      WORKER_METRICS_ADDRESS: '',
      TELNYX_PUBLIC_KEY: signingKeys.publicKey,
      // The call scenario's numbers stream to a loopback WebSocket, which the SSRF guard refuses otherwise.
      ALLOW_PRIVATE_CALLBACK_URLS: 'true',
      ...options.env,
    };
    const spawn = (name: string, file: string, args: string[] = [], nodeArgs: string[] = []) =>
      spawnNode(name, join(root, file), { env: childEnv, logDir, args, nodeArgs });
    const spawnAsNpmRuns = (script: 'api' | 'worker', extraNodeArgs: string[] = []) => {
      const { nodeArgs, file } = npmScriptCommand(join(root, 'package.json'), script);
      return spawn(script, file, [], [...nodeArgs, ...(options.extraNodeArgs ?? []), ...extraNodeArgs]);
    };
    const port = devServer.address.split(':').at(-1)!;
    const temporalPid = findPid((argv) => argv.includes('start-dev') && argv[argv.indexOf('--port') + 1] === port);

    let sandbox: ChildHandle | undefined;
    let sandboxRuns = 0;
    const restartSandbox = async (numberOffset: number, latencyMs: number, { signing = false, webhookUrl }: { signing?: boolean; webhookUrl?: string } = {}) => {
      await sandbox?.stop();
      const name = `sandbox-${sandboxRuns++}`;
      const stateFile = join(logDir, `${name}.json`);
      if (signing) writeFileSync(stateFile, JSON.stringify({ keys: { private_key_pem: signingKeys.privateKeyPem, public_key: signingKeys.publicKey } }));
      sandbox = spawn(name, 'bench/sandbox-child.ts', [String(sandboxPort), String(numberOffset), ...(signing ? [stateFile] : [])]);
      await sandbox.waitForLine(/"ready":true/);
      // Webhooks off unless asked for: the happy path with instant orders needs none, and the baseline has no receiver.
      const response = await fetch(`${sandboxUrl}/_sandbox/config`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latency_ms: latencyMs, webhook_url: webhookUrl ?? null, inventory: { toll_free: 0, local: { default: 5000 } } }),
      });
      if (!response.ok) throw new Error(`sandbox config failed: ${response.status} ${await response.text()}`);
    };
    shutdown.add(async () => sandbox?.stop());
    await restartSandbox(0, 0);

    // As `npm run worker` and `npm run api` run them: compiled, under plain node, with their flags.
    execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const profile = options.workerCpuProfDir;
    const worker = spawnAsNpmRuns('worker', profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []);
    shutdown.add(() => worker.stop());
    const api = spawnAsNpmRuns('api');
    shutdown.add(() => api.stop());
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${apiUrl}/healthz`);
    // With a quieter log level the worker prints nothing: the warm-up proves it polls instead.
    if (['info', 'debug', 'trace'].includes(options.logLevel)) await worker.waitForLine(/worker running/, 180_000);

    const stop = () => shutdown.shutdown();
    return {
      db,
      databaseUrl,
      temporalAddress: devServer.address,
      apiUrl,
      sandboxUrl,
      api,
      worker,
      temporalPid,
      webhookPublicKey: signingKeys.publicKey,
      sandboxPid: () => sandbox?.pid ?? null,
      childEnv,
      logDir,
      restartSandbox,
      spawn,
      stop,
    };
  });
}
