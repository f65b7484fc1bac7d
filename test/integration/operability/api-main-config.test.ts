import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, inject, it } from 'vitest';

const carrierCalls: string[] = [];
let carrier: Server | undefined;

afterAll(async () => {
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
function runApiMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/main/api.js'], {
    cwd: new URL('../../..', import.meta.url).pathname,
    env: { ...process.env, TELNYX_CONNECTION_ID: '', DEPLOYMENT_ID: '', TELNYX_PUBLIC_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  return new Promise<{ code: number | null; output: string }>((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('npm run api: configuration', () => {
  it('when TELNYX_API_KEY is set without TELNYX_CONNECTION_ID, then it exits non-zero naming TELNYX_CONNECTION_ID and calls no carrier', async () => {
    const baseUrl = await recordingCarrier();

    const { code, output } = await runApiMain({
      TELNYX_API_KEY: 'KEY0123456789',
      TELNYX_BASE_URL: baseUrl,
      DEPLOYMENT_ID: 'production',
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      PORT: '0',
    });

    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain('TELNYX_CONNECTION_ID: must be set when TELNYX_API_KEY is set');
    expect(carrierCalls).toEqual([]);
  });
});
