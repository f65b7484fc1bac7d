import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { historyToJSON, payloadToJSON, type History, type JSONPayload } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findTemporalCli } from '../../../temporal/cli.js';
import { parseCodecKeys } from '../../../temporal/payload-codec/codec-keys.js';
import { startCodecServer, type CodecServer } from '../../../temporal/payload-codec/codec-server.js';
import { EncryptionCodec } from '../../../temporal/payload-codec/encryption-codec.js';
import { runCommand, runTsCli } from '../../support/run-cli.js';
import { startWorkflowHarness, type WorkflowHarness } from '../../support/workflow-harness.js';

/** Sandboxes sell the same numbers and the database is shared: this file buys from its own state's pool. */
const ownPool = { type: 'local', state: 'ND' } as const;
const codecKeys = `it-2:${randomBytes(32).toString('base64')},it-1:${randomBytes(32).toString('base64')}`;
const token = randomBytes(32).toString('base64url');
const callbackUrl = `wss://agents-${randomBytes(4).toString('hex')}.example.com/media`;
const webhookUrl = `https://hooks-${randomBytes(4).toString('hex')}.example.com/incoming`;
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

let harness: WorkflowHarness;
let plainConnection: Connection;
let codecServer: CodecServer;
let outDir: string;
/** One provisioning run with the codec on, its history as the server stores it (fetched without the codec). */
let provisioned: { workflowId: string; organizationId: string; history: History };

/** Every payload in a history, with where it sits; search attributes are left out (the server indexes them, so they stay plain). */
function payloadsOf(value: unknown, path = ''): { path: string; payload: Payload }[] {
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value) || path.endsWith('searchAttributes')) return [];
  const metadata = (value as { metadata?: unknown }).metadata;
  if (metadata && typeof metadata === 'object' && 'encoding' in metadata) return [{ path, payload: value as Payload }];
  return Object.entries(value).flatMap(([key, child]) => payloadsOf(child, path ? `${path}.${key}` : key));
}

beforeAll(async () => {
  harness = await startWorkflowHarness({ defaults: ownPool, env: { PAYLOAD_CODEC_KEYS: codecKeys } });
  await harness.startWorker();
  const { organizationId } = await harness.newOrganization();
  const handle = await harness.startProvision(
    harness.provisionInput(organizationId, { callSettings: { incomingCallAction: 'webhook', clientWebsocketUrl: callbackUrl, incomingCallWebhookUrl: webhookUrl } }),
  );
  await handle.result();
  plainConnection = await Connection.connect({ address: inject('temporalAddress') });
  const plainClient = new Client({ connection: plainConnection, namespace: 'default' });
  provisioned = { workflowId: handle.workflowId, organizationId, history: await plainClient.workflow.getHandle(handle.workflowId).fetchHistory() };
  codecServer = await startCodecServer({
    codec: new EncryptionCodec(parseCodecKeys(codecKeys)!),
    token,
    allowedOrigins: ['http://127.0.0.1:8233'],
    host: '127.0.0.1',
    port: 0,
  });
  outDir = await mkdtemp(join(tmpdir(), 'payload-encryption-'));
});

afterAll(async () => {
  if (provisioned) await harness.db.deleteFrom('organizations').where('id', '=', provisioned.organizationId).execute();
  await codecServer?.close();
  await plainConnection?.close();
  await harness?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('payload encryption (PAYLOAD_CODEC_KEYS)', () => {
  it('when a provisioning runs with the codec on, then its input is stored binary/encrypted under the first key and the server never sees the callback URLs', () => {
    const started = provisioned.history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = started?.input?.payloads?.[0];

    expect(text(input?.metadata?.encoding)).toBe('binary/encrypted');
    expect(text(input?.metadata?.['encryption-key-id'])).toBe('it-2');
    expect(text(input?.data)).not.toContain('example.com');
    const stored = historyToJSON(provisioned.history);
    expect(stored).not.toContain(Buffer.from(callbackUrl).toString('base64').slice(0, 24));
    expect(stored).not.toContain(callbackUrl);
  });

  it('when every payload of that history is listed, then each one (activity inputs and results, local ones too) is encrypted but the SDK\'s own marker bookkeeping', () => {
    // Core writes patch ids and local-activity attempt/timing into markers itself, past any codec; they hold none of our data.
    const bookkeeping = /markerRecordedEventAttributes\.details\.(?:patch-data|data)\./;
    const payloads = payloadsOf(provisioned.history);
    const plain = payloads.filter(({ payload }) => text(payload.metadata?.encoding) !== 'binary/encrypted');

    expect(payloads.length).toBeGreaterThan(10);
    expect(plain.filter(({ path }) => !bookkeeping.test(path)).map(({ path }) => path)).toEqual([]);
    expect(plain.map(({ payload }) => text(payload.data)).join('\n')).not.toMatch(/example\.com|organizationId|\+1\d{10}/);
  });

  it('when the codec endpoint is asked to decode that history\'s input with the token, then it answers the original JSON with the callback URLs', async () => {
    const input = provisioned.history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;

    const response = await fetch(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ payloads: input.map(payloadToJSON) }),
    });

    expect(response.status).toBe(200);
    const [decoded] = ((await response.json()) as { payloads: JSONPayload[] }).payloads;
    expect(Buffer.from(decoded!.metadata!.encoding!, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(decoded!.data!, 'base64').toString())).toMatchObject({
      organizationId: provisioned.organizationId,
      callSettings: { clientWebsocketUrl: callbackUrl, incomingCallWebhookUrl: webhookUrl },
    });
  });

  it('when the codec endpoint is asked without the token, then it answers 401', async () => {
    const input = provisioned.history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;

    const response = await fetch(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default' },
      body: JSON.stringify({ payloads: input.map(payloadToJSON) }),
    });

    expect(response.status).toBe(401);
  });

  it('when the temporal CLI shows the history through the codec endpoint with the token, then the input it prints holds the callback URL; without the endpoint it is encrypted', async () => {
    const firstInput = async (extra: string[]) => {
      const run = await runCommand(findTemporalCli(), ['workflow', 'show', '--address', inject('temporalAddress'), '--workflow-id', provisioned.workflowId, '--output', 'json', ...extra]);
      expect(run.exitCode).toBe(0);
      const payload = (JSON.parse(run.stdout) as { events: { workflowExecutionStartedEventAttributes?: { input: { payloads: JSONPayload[] } } }[] }).events[0]!
        .workflowExecutionStartedEventAttributes!.input.payloads[0]!;
      return { encoding: Buffer.from(payload.metadata!.encoding!, 'base64').toString(), data: Buffer.from(payload.data!, 'base64').toString() };
    };

    const decoded = await firstInput(['--codec-endpoint', codecServer.url, '--codec-auth', `Bearer ${token}`]);
    const raw = await firstInput([]);

    expect(decoded.encoding).toBe('json/plain');
    expect(JSON.parse(decoded.data)).toMatchObject({ callSettings: { clientWebsocketUrl: callbackUrl } });
    expect(raw.encoding).toBe('binary/encrypted');
    expect(raw.data).not.toContain(callbackUrl);
  });

  it('when the encrypted history is exported and replayed with PAYLOAD_CODEC_KEYS, then it replays deterministically; without the keys it cannot', async () => {
    const file = join(outDir, 'encrypted.json');
    await writeFile(file, historyToJSON(provisioned.history));

    const withKeys = await runTsCli('ops/replay-cli.ts', ['--file', file, '--workflow-id', provisioned.workflowId], { PAYLOAD_CODEC_KEYS: codecKeys });
    const withoutKeys = await runTsCli('ops/replay-cli.ts', ['--file', file, '--workflow-id', provisioned.workflowId], { PAYLOAD_CODEC_KEYS: '' });

    expect(withKeys.stderr).toBe('');
    expect(withKeys.exitCode).toBe(0);
    expect(withKeys.stdout).toContain('deterministic');
    expect(withoutKeys.exitCode).toBe(1);
    expect(withoutKeys.stderr).toContain('Unknown encoding: binary/encrypted');
    expect(withoutKeys.stderr).toContain('set PAYLOAD_CODEC_KEYS');
  });
});
