import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxControl } from '../../sandbox/control-client.js';
import { freePort } from '../../sandbox/free-port.js';
import { startMediaStreamServer, type MediaStreamServer } from '../support/media-stream-server.js';

interface LocalStack {
  child: ChildProcessWithoutNullStreams;
  banner: Promise<{ apiKey: string; apiUrl: string; sandboxUrl: string; output: string }>;
  exited: Promise<number | null>;
}

/** Starts `npm start`'s entry point and resolves its printed API URL, key and sandbox control URL. */
function startLocalStack(env: NodeJS.ProcessEnv): LocalStack {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let output = '';
  const banner = new Promise<{ apiKey: string; apiUrl: string; sandboxUrl: string; output: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const apiKey = /API key:\s+(\S+)/.exec(output)?.[1];
      const docs = /API docs:\s+(\S+)\/docs/.exec(output)?.[1];
      const sandboxUrl = /Sandbox:\s+(\S+)\/_sandbox/.exec(output)?.[1];
      if (apiKey && docs && sandboxUrl) resolve({ apiKey, apiUrl: docs, sandboxUrl, output });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`local stack exited with ${code} before it was up:\n${output}`)));
    setTimeout(() => reject(new Error(`local stack not up after 90 s:\n${output.slice(-3000)}`)), 90_000).unref();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, banner, exited };
}

async function stopWithCtrlC(stack: LocalStack) {
  stack.child.kill('SIGINT');
  const killer = setTimeout(() => stack.child.kill('SIGKILL'), 30_000);
  const code = await stack.exited;
  clearTimeout(killer);
  return code;
}

/** Polls `probe` every 100 ms until it gives a value (30 s at most). */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start (the local stack on embedded defaults)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-stack-'));
  let env: NodeJS.ProcessEnv;
  let media: MediaStreamServer;
  /** The stack the calls are made on: the second start, on another API port. */
  let running: LocalStack | undefined;
  let up: { apiKey: string; apiUrl: string; sandboxUrl: string; output: string };
  let demoNumber: { id: string; number: string };

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${up.apiUrl}${path}`, {
      method,
      headers: { 'X-API-Key': up.apiKey, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const callRecord = (id: string, until: (call: Record<string, any>) => boolean, what: string) =>
    eventually(async () => {
      const answer = await api('GET', `/api/v1/phone/calls/${id}`);
      return answer.status === 200 && until(answer.body) ? answer.body : undefined;
    }, what);

  beforeAll(async () => {
    env = {
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      TELNYX_API_KEY: '',
      ALLOW_PRIVATE_CALLBACK_URLS: '',
      PORT: String(await freePort()),
      SANDBOX_PORT: String(await freePort()),
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      PAYLOAD_CODEC_SERVER_ADDRESS: `127.0.0.1:${await freePort()}`,
      LOG_LEVEL: 'warn',
    };
    media = await startMediaStreamServer();
  });
  afterAll(async () => {
    if (running) await stopWithCtrlC(running);
    await media?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

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
    demoNumber = number;
    expect(await stopWithCtrlC(first)).toBe(0);

    // Again on another API port: the sandbox's saved webhook URL must follow it (the calls below need it).
    env = { ...env, PORT: String(await freePort()) };
    running = startLocalStack(env);
    up = await running.banner;
    expect(up.apiKey).toBe(apiKey);
    const kept = await api('GET', `/api/v1/phone/numbers/${number.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ id: number.id, number: number.number, status: 'active' });
  }, 180_000);

  it('when an auto_accept number is rung through the sandbox, then the call is answered, streams both ways, and the caller hanging up is recorded completed + remote', async () => {
    expect(up.output).toMatch(/Development:.*callback URLs may be private hosts/);
    expect(await createSandboxControl(up.sandboxUrl).configure({})).toMatchObject({ webhook_url: `${up.apiUrl}/webhooks/telnyx`, media_tls_insecure: true });
    expect((await api('POST', '/api/v1/identities', { agent_handle: 'desk' })).status).toBe(201);
    const streamUrl = `${media.url}/npm-start`;
    const provisioned = await api('POST', '/api/v1/phone/numbers', { agent_handle: 'desk', type: 'local', incoming_call_action: 'auto_accept', client_websocket_url: streamUrl });
    expect(provisioned.status).toBe(201);
    const local = provisioned.body.number as string;
    const from = '+12125550123';

    const sandbox = createSandboxControl(up.sandboxUrl);
    const { call_control_id: callControlId } = await sandbox.ringCall({ to: local, from });
    const stream = await media.connectionFor(callControlId, 30_000);
    const mediaFrames = await stream.waitForEvents('media', 10, 30_000);
    expect(stream.frames.slice(0, 2).map((frame) => frame.event)).toEqual(['connected', 'start']);
    expect(new Set(mediaFrames.map((frame) => frame.frame.media.track))).toEqual(new Set(['inbound', 'outbound']));
    const context = JSON.parse(Buffer.from(stream.clientState ?? '', 'base64').toString('utf8')) as { call_id: string };
    expect(context).toEqual({ call_id: expect.any(String), local_phone_number: local, remote_phone_number: from, agent_handle: 'desk' });

    const played = Buffer.alloc(160, 0x7f).toString('base64');
    for (let index = 0; index < 5; index += 1) stream.sendMedia(played);
    const heard = await sandbox.waitForCall(callControlId, (call) => (call.stream?.frames_received ?? []).filter((frame) => frame.accepted).length >= 5, 30_000);
    expect(heard.stream?.frames_received.filter((frame) => frame.accepted).map((frame) => (frame.frame as { media: { payload: string } }).media.payload)).toEqual(Array(5).fill(played));
    const answered = await callRecord(context.call_id, (call) => call.status === 'answered', 'the call record to read answered');
    expect(answered).toMatchObject({ local_phone_number: local, remote_phone_number: from, direction: 'inbound', client_websocket_url: streamUrl, ended_at: null });

    await sandbox.hangUpCall(callControlId);
    await stream.waitForFrame((frame) => frame.event === 'stop', 30_000);
    const ended = await callRecord(context.call_id, (call) => call.status === 'completed', 'the call record to read completed');
    expect(ended).toMatchObject({ id: context.call_id, hangup_reason: 'remote', started_at: answered.started_at });
    expect(Date.parse(ended.ended_at as string)).toBeGreaterThanOrEqual(Date.parse(ended.started_at as string));
    expect((await sandbox.getCall(callControlId)).commands.map((command) => [command.action, command.outcome])).toEqual([['answer', 'applied']]);
    const listed = await api('GET', '/api/v1/phone/calls');
    expect(listed.body as unknown[]).toContainEqual(expect.objectContaining({ id: context.call_id, status: 'completed' }));
  }, 120_000);

  it('when the default auto_reject number is rung, then the sandbox gets one reject, the record reads canceled + rejected, and the workflow is found by its number', async () => {
    const sandbox = createSandboxControl(up.sandboxUrl);
    const from = '+12125550124';
    const { call_control_id: callControlId } = await sandbox.ringCall({ to: demoNumber.number, from });
    const call = await sandbox.waitForCall(callControlId, (each) => each.state === 'hangup', 30_000);
    expect(call.commands.map((command) => [command.action, command.body.cause])).toEqual([['reject', 'CALL_REJECTED']]);
    expect(call).toMatchObject({ hangup_cause: 'call_rejected', hangup_source: 'callee', stream: null });

    const record = await eventually(async () => {
      const listed = await api('GET', '/api/v1/phone/calls');
      return (listed.body as Record<string, any>[]).find((each) => each.remote_phone_number === from && each.status === 'canceled');
    }, 'the rejected call in the list');
    expect(record).toMatchObject({ local_phone_number: demoNumber.number, hangup_reason: 'rejected', started_at: null });
    expect(record.ended_at).toEqual(expect.any(String));

    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_DEV_PORT}` });
    try {
      const client = new Client({ connection });
      const query = `WorkflowId STARTS_WITH "call/" AND PhoneNumber = "${demoNumber.number}" AND AgentHandle = "demo"`;
      const found = await eventually(async () => {
        const executions = [];
        for await (const execution of client.workflow.list({ query })) executions.push(execution);
        return executions.length > 0 && executions.every((execution) => execution.status.name === 'COMPLETED') ? executions : undefined;
      }, 'the call workflow in the visibility store');
      expect(found.map((execution) => [execution.workflowId, execution.type, execution.status.name])).toEqual([[`call/${callControlId}`, 'handleIncomingCall', 'COMPLETED']]);
    } finally {
      await connection.close();
    }
  }, 120_000);

  it('when stopped with Ctrl-C, then it exits 0', async () => {
    const stack = running!;
    running = undefined;
    expect(await stopWithCtrlC(stack)).toBe(0);
  }, 60_000);
});
