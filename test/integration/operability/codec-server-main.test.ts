import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { payloadToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../sandbox/free-port.js';
import { spawnMainProcess, startMainProcess } from '../../support/main-process.js';

const keys = `k1:${randomBytes(32).toString('base64')}`;
const token = randomBytes(32).toString('base64url');

const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A compiled production entry point (global setup builds `dist/`) with `env` over the test's own. */
const runMain = (script: string, env: Record<string, string>) => spawnMainProcess({ script, env, children });

describe('npm run codec-server (dist/main/codec-server.js)', () => {
  it('when PAYLOAD_CODEC_SERVER_TOKEN is unset, then it exits 1 naming it', async () => {
    const run = runMain('dist/main/codec-server.js', { PAYLOAD_CODEC_KEYS: keys, PAYLOAD_CODEC_SERVER_TOKEN: '' });

    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('PAYLOAD_CODEC_SERVER_TOKEN: must be set');
  });

  it('when PAYLOAD_CODEC_KEYS holds a short key, then it exits 1 naming the key id', async () => {
    const run = runMain('dist/main/codec-server.js', { PAYLOAD_CODEC_KEYS: 'k1:c2hvcnQ=', PAYLOAD_CODEC_SERVER_TOKEN: token });

    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('PAYLOAD_CODEC_KEYS: key \\"k1\\" must be base64 of 32 bytes');
  });

  it('when configured, then it serves /decode to the token holder only and stops cleanly on SIGTERM', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const run = await startMainProcess({
      script: 'dist/main/codec-server.js',
      ready: 'codec server listening',
      env: { PAYLOAD_CODEC_KEYS: keys, PAYLOAD_CODEC_SERVER_TOKEN: token, PAYLOAD_CODEC_SERVER_ADDRESS: address },
      children,
    });
    const body = JSON.stringify({ payloads: [payloadToJSON(defaultPayloadConverter.toPayload({ plain: true }))] });
    const decode = (headers: Record<string, string>) => fetch(`http://${address}/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

    const without = await decode({});
    const holder = await decode({ Authorization: `Bearer ${token}` });
    run.child.kill('SIGTERM');

    expect(without.status).toBe(401);
    expect(holder.status).toBe(200);
    expect(await holder.json()).toEqual(JSON.parse(body));
    expect(await run.exited).toBe(0);
  });
});

describe('npm run api with a bad PAYLOAD_CODEC_KEYS', () => {
  it('when a key is not base64 of 32 bytes, then the API exits non-zero naming PAYLOAD_CODEC_KEYS before serving', async () => {
    const run = runMain('dist/main/api.js', {
      PAYLOAD_CODEC_KEYS: `good:${randomBytes(32).toString('base64')},bad:dG9vIHNob3J0`,
      PORT: '0',
    });

    const code = await run.exited;

    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(run.output()).toContain('PAYLOAD_CODEC_KEYS: key "bad" must be base64 of 32 bytes');
    expect(run.output()).not.toContain('API listening');
  });
});
