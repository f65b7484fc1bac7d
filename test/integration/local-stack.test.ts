import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../sandbox/free-port.js';

/** Starts `npm start`'s entry point and resolves its printed API URL and key. */
function startLocalStack(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let output = '';
  const banner = new Promise<{ apiKey: string; apiUrl: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const apiKey = /API key:\s+(\S+)/.exec(output)?.[1];
      const docs = /API docs:\s+(\S+)\/docs/.exec(output)?.[1];
      if (apiKey && docs) resolve({ apiKey, apiUrl: docs });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`local stack exited with ${code} before it was up:\n${output}`)));
    setTimeout(() => reject(new Error(`local stack not up after 90 s:\n${output.slice(-3000)}`)), 90_000).unref();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, banner, exited };
}

async function stopWithCtrlC(stack: { child: ChildProcessWithoutNullStreams; exited: Promise<number | null> }) {
  stack.child.kill('SIGINT');
  const killer = setTimeout(() => stack.child.kill('SIGKILL'), 30_000);
  const code = await stack.exited;
  clearTimeout(killer);
  return code;
}

describe('npm start (the local stack on embedded defaults)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-stack-'));
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = {
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      TELNYX_API_KEY: '',
      PORT: String(await freePort()),
      SANDBOX_PORT: String(await freePort()),
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      PAYLOAD_CODEC_SERVER_ADDRESS: `127.0.0.1:${await freePort()}`,
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when started twice on one data folder, then it serves, provisions, stops on Ctrl-C and keeps its key and numbers', async () => {
    const first = startLocalStack(env);
    const { apiKey, apiUrl } = await first.banner;
    const headers = { 'X-API-Key': apiKey, 'Content-Type': 'application/json' };

    expect((await fetch(`${apiUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ database: 'ok', temporal: 'ok' });
    const identity = await fetch(`${apiUrl}/api/v1/identities`, { method: 'POST', headers, body: JSON.stringify({ agent_handle: 'demo' }) });
    expect(identity.status).toBe(201);
    const provisioned = await fetch(`${apiUrl}/api/v1/phone/numbers`, { method: 'POST', headers, body: JSON.stringify({ agent_handle: 'demo' }) });
    expect(provisioned.status).toBe(201);
    const number = (await provisioned.json()) as { id: string; status: string; number: string };
    expect(number.status).toBe('active');
    expect(await stopWithCtrlC(first)).toBe(0);

    const second = startLocalStack(env);
    const again = await second.banner;
    expect(again.apiKey).toBe(apiKey);
    const kept = await fetch(`${apiUrl}/api/v1/phone/numbers/${number.id}`, { headers });
    expect(kept.status).toBe(200);
    expect(await kept.json()).toMatchObject({ id: number.id, number: number.number, status: 'active' });
    expect(await stopWithCtrlC(second)).toBe(0);
  }, 180_000);
});
