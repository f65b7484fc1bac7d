import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnMainProcess } from '../../support/main-process.js';

const carrierCalls: string[] = [];
let carrier: Server | undefined;
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await new Promise((done) => (carrier ? carrier.close(done) : done(undefined)));
});

/** A stand-in for Telnyx on loopback that records every request, to prove none is made. */
async function recordingCarrier(): Promise<string> {
  carrier = createServer((req, res) => {
    carrierCalls.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => carrier!.listen(0, '127.0.0.1', resolve));
  const address = carrier.address();
  if (!address || typeof address === 'string') throw new Error('no carrier address');
  return `http://127.0.0.1:${address.port}/v2`;
}

/** `npm run api` (the compiled `dist/main/api.js`; global setup builds it) with `env` over the test's own. */
const runApiMain = (env: Record<string, string>) =>
  spawnMainProcess({ script: 'dist/main/api.js', env: { TELNYX_CONNECTION_ID: '', DEPLOYMENT_ID: '', TELNYX_PUBLIC_KEY: '', ...env }, children });

describe('npm run api: configuration', () => {
  it('when TELNYX_API_KEY is set without TELNYX_CONNECTION_ID, then it exits non-zero naming TELNYX_CONNECTION_ID and calls no carrier', async () => {
    const baseUrl = await recordingCarrier();

    const api = runApiMain({ TELNYX_API_KEY: 'KEY0123456789', TELNYX_BASE_URL: baseUrl, DEPLOYMENT_ID: 'production', PORT: '0' });
    const code = await api.exited;

    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(api.output()).toContain('TELNYX_CONNECTION_ID: must be set when TELNYX_API_KEY is set');
    expect(carrierCalls).toEqual([]);
  });
});
