import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { inject } from 'vitest';
import { assemble } from '../../assembly/assemble.js';
import { closingOnFailure } from '../../assembly/closing-on-failure.js';
import { embeddedShutdown } from '../../assembly/embedded-shutdown.js';
import { createWorkerProcess } from '../../chaos/worker-process.js';
import type { Config } from '../../config/config.js';
import { endedCallStatuses, type CallProgress } from '../../domain/calls.js';
import type { IncomingCallAction } from '../../domain/phone-number.js';
import { workflowIds } from '../../domain/workflow-contract.js';
import type { CallRow } from '../../db/schema.js';
import type { HostResolver } from '../../outbound/callback-url-guard.js';
import type { CallRecord } from '../../sandbox/calls.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';
import { startCustomerCallReceiver, trustInThisProcess } from './customer-call-receiver.js';
import { startMediaStreamServer } from './media-stream-server.js';
import { makeTestCertificates } from './tls-certificates.js';
import { waitFor, workflowBundle } from './workflow-harness.js';

/** A call as `GET /_sandbox/calls/{id}` shows it: the caller's side, the commands it got, its events and media stream. */
export type SandboxCall = CallRecord;

/** One event the sandbox (the carrier) POSTed to the API: its exact signed bytes, and what the API answered. */
export interface CarrierDelivery {
  eventType: string;
  callControlId: string | null;
  rawBody: string;
  headers: Record<string, string>;
  apiStatus: number;
}

export interface CallStackOptions {
  /** Environment of the API and the worker alike (over the stack's defaults). */
  config?: Record<string, string>;
  /** Config only the worker has (production mode at call time, a small webhook timeout). */
  workerConfig?: Partial<Config>;
  /** Resolves customer hosts for the API's and the worker's SSRF guards. */
  resolveHost?: HostResolver;
  /** Whether a worker built by the assembly in this process polls from the start (default true). */
  worker?: boolean;
}

/** Fields of a number the stack provisions through the API. */
export interface NumberSettings {
  incoming_call_action?: IncomingCallAction;
  client_websocket_url?: string | null;
  incoming_call_webhook_url?: string | null;
}

/** The sandbox's record of a call whose state is `hangup`, and its settled row. */
export interface EndedCall {
  call: SandboxCall;
  row: CallRow;
}

const isEnded = (status: string) => (endedCallStatuses as readonly string[]).includes(status);
const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/**
 * The whole stack of incoming calls in one test process: PostgreSQL, the run's Temporal dev server, the
 * Telnyx sandbox (its webhooks reach the API's `/webhooks/telnyx` through a loopback relay that keeps
 * each delivery's signed bytes), the API (built by `startApiHarness`) and a worker on the API's task
 * queue, built by the service's assembly in this process (restartable, with a config of its own), or
 * `main/worker.ts` as a child process that can be SIGKILLed. A customer receiver over HTTPS (a test CA
 * this process trusts, and the child worker through NODE_EXTRA_CA_CERTS) and development mode (ALLOW_PRIVATE_CALLBACK_URLS) let loopback customers
 * be used; the sandbox accepts the test CA's `wss` servers (`media_tls_insecure`), such as the customer's
 * media-stream endpoint the stack starts (`media`).
 */
export async function startCallStack(options: CallStackOptions = {}) {
  const certificates = makeTestCertificates();
  const signingKeyEncryptionKey = randomBytes(32).toString('base64');
  const api: ApiHarness = await startApiHarness({
    worker: false,
    config: {
      ALLOW_PRIVATE_CALLBACK_URLS: 'true',
      SIGNING_KEY_ENCRYPTION_KEY: signingKeyEncryptionKey,
      ORG_NUMBER_LIMIT: '20',
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      ...options.config,
    },
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
  });
  const closers: (() => Promise<void>)[] = [() => api.close()];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };

  return closingOnFailureOf(close, async () => {
    const customers = await startCustomerCallReceiver(certificates);
    closers.push(() => customers.close());
    trustInThisProcess(certificates);
    const media = await startMediaStreamServer();
    closers.push(() => media.close());

    const deliveries: CarrierDelivery[] = [];
    /** Event types the relay hands the API twice at once, as a carrier delivering one event twice would. */
    const duplicated = new Set<string>();
    const relay = createServer((req, res) => {
      void readBody(req).then(async (rawBody) => {
        const headers = Object.fromEntries(
          ['content-type', 'telnyx-timestamp', 'telnyx-signature-ed25519'].flatMap((name) => (req.headers[name] ? [[name, String(req.headers[name])]] : [])),
        );
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        let event: any = null;
        try {
          event = JSON.parse(rawBody);
        } catch {
          // relayed and recorded with no type
        }
        const eventType: string = event?.data?.event_type ?? '';
        const forward = async () => {
          const answer = await fetch(`${api.url}/webhooks/telnyx`, { method: 'POST', headers, body: rawBody }).catch(() => null);
          const text = (await answer?.text()) ?? '';
          deliveries.push({ eventType, callControlId: event?.data?.payload?.call_control_id ?? null, rawBody, headers, apiStatus: answer?.status ?? 0 });
          return { status: answer?.status ?? 502, text };
        };
        const [answer] = await Promise.all(duplicated.has(eventType) ? [forward(), forward()] : [forward()]);
        res.writeHead(answer!.status, { 'content-type': 'application/json' }).end(answer!.text);
      });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => relay.close(() => resolve())));
    const relayUrl = `http://127.0.0.1:${(relay.address() as { port: number }).port}/webhooks/telnyx`;

    await api.control.configure({ webhook_url: relayUrl, media_tls_insecure: true });

    const workerConfig: Config = { ...api.config, ...options.workerConfig };
    const bundle = await workflowBundle();

    /** A worker built by the service's assembly in this process, polling the API's task queue; `stop` drains it. */
    async function startWorker() {
      const workerShutdown = embeddedShutdown();
      const assembly = assemble({
        config: workerConfig,
        shutdown: workerShutdown,
        installTemporalRuntime: false,
        sandbox: api.sandbox,
        database: api.db,
        temporalClient: api.temporal,
        workflowBundle: bundle,
        ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
      });
      await closingOnFailure(workerShutdown, () => assembly.worker());
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        await workerShutdown.shutdown();
      };
      closers.push(stop);
      return { stop };
    }

    /**
     * `main/worker.ts` as a child process with the stack's environment (a worker another machine could
     * run: the system resolver, the test CA as an extra CA), its log in a temp folder; `kill` is SIGKILL.
     */
    function workerProcess() {
      const dir = mkdtempSync(join(tmpdir(), 'call-worker-'));
      const child = createWorkerProcess(
        {
          DATABASE_URL: inject('databaseUrl'),
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TEMPORAL_TASK_QUEUE: api.config.TEMPORAL_TASK_QUEUE,
          TELNYX_BASE_URL: api.sandbox.baseURL,
          ALLOW_PRIVATE_CALLBACK_URLS: String(workerConfig.ALLOW_PRIVATE_CALLBACK_URLS),
          SIGNING_KEY_ENCRYPTION_KEY: signingKeyEncryptionKey,
          CALL_WEBHOOK_TIMEOUT_MS: String(workerConfig.CALL_WEBHOOK_TIMEOUT_MS),
          LOG_LEVEL: 'warn',
          WORKER_METRICS_ADDRESS: '',
          RECONCILE_ENABLED: 'false',
          NODE_EXTRA_CA_CERTS: certificates.caPath,
        },
        join(dir, 'worker.log'),
      );
      closers.push(() => child.stop());
      return { child, logFile: join(dir, 'worker.log') };
    }

    /** Whether a worker whose identity starts with `<pid>@` polls the stack's task queue now. */
    async function polledBy(pid: number): Promise<boolean> {
      const { pollers } = await api.temporal.workflowService.describeTaskQueue({
        namespace: api.config.TEMPORAL_NAMESPACE,
        taskQueue: { name: api.config.TEMPORAL_TASK_QUEUE },
        taskQueueType: 1,
      });
      return (pollers ?? []).some((poller) => poller.identity?.startsWith(`${pid}@`));
    }

    /** A new organization whose identities (first handle `agent`) each have an active number, provisioned through the API. */
    async function organizationWithNumber(settings: NumberSettings = {}, handles: string[] = ['agent']) {
      const org = await api.newOrganization(handles);
      const numbers: { id: string; number: string; handle: string }[] = [];
      for (const handle of handles) {
        const response = await org.call('POST', '/api/v1/phone/numbers', { body: { agent_handle: handle, ...settings } });
        if (response.status !== 201 || response.body.status !== 'active') {
          throw new Error(`provisioning a number for ${handle} answered ${response.status}: ${JSON.stringify(response.body)}`);
        }
        numbers.push({ id: response.body.id, number: response.body.number, handle });
      }
      return { ...org, number: numbers[0]!, numbers };
    }

    /** A caller dials `to` through `POST /_sandbox/calls`; resolves the call's ids. */
    const ring = (to: string, from = `+1212555${String(randomInt(0, 10_000)).padStart(4, '0')}`) => api.control.ringCall({ to, from });
    /** The sandbox's record of the call: state, the commands it got, the events it sent, its media stream. */
    const sandboxCall = (callControlId: string) => api.control.getCall(callControlId);
    /** The caller hangs up (`POST /_sandbox/calls/{id}/hangup`). */
    const callerHangsUp = (callControlId: string) => api.control.hangUpCall(callControlId);

    const callRow = (callControlId: string): Promise<CallRow | undefined> =>
      api.db.selectFrom('calls').selectAll().where('call_control_id', '=', callControlId).executeTakeFirst();

    /** The call's row once it reads `answered`. */
    const answeredRow = (callControlId: string, timeoutMs?: number) =>
      waitFor(async () => {
        const row = await callRow(callControlId);
        return row?.status === 'answered' ? row : undefined;
      }, `the call ${callControlId} to be answered`, timeoutMs);

    /** The call's row once it has ended (generous wait). */
    const settledRow = (callControlId: string, timeoutMs = 60_000) =>
      waitFor(async () => {
        const row = await callRow(callControlId);
        return row && isEnded(row.status) ? row : undefined;
      }, `the call ${callControlId} to settle`, timeoutMs);

    const workflowOf = (callControlId: string): WorkflowHandle => api.temporal.workflow.getHandle(workflowIds.call(callControlId));
    /** How the call's workflow ended, once the sandbox's call.initiated has started it. */
    const resultOf = async (callControlId: string): Promise<CallProgress> => {
      await waitFor(() => workflowOf(callControlId).describe(), `the workflow of call ${callControlId} to start`);
      return (await workflowOf(callControlId).result()) as CallProgress;
    };
    const progressOf = (callControlId: string): Promise<CallProgress> => workflowOf(callControlId).query<CallProgress>('callProgress');

    /** The sandbox's record of the call once `done` holds for it (generous wait). */
    const sandboxCallWhen = (callControlId: string, done: (call: SandboxCall) => boolean, what: string, timeoutMs = 60_000) =>
      waitFor(async () => {
        const call = await sandboxCall(callControlId);
        return done(call) ? call : undefined;
      }, what, timeoutMs);

    /** The sandbox's record of the call once it has hung up, and its row once settled. */
    const ended = async (callControlId: string): Promise<EndedCall> => ({
      call: await sandboxCallWhen(callControlId, (each) => each.state === 'hangup', `the call ${callControlId} to end`),
      row: await settledRow(callControlId),
    });

    /**
     * A new organization whose `agent` has a number with the `webhook` action asking `webhookUrl` (a path of
     * `customers`, usually) and, unless told otherwise, a signing key (returned), so the webhook is signed.
     */
    async function organizationWithWebhook(webhookUrl: string, settings: NumberSettings = {}, { signingKey = true } = {}) {
      const org = await organizationWithNumber({ incoming_call_action: 'webhook', incoming_call_webhook_url: webhookUrl, ...settings });
      if (!signingKey) return { ...org, signingKey: null };
      const created = await org.call('POST', '/api/v1/identities/agent/signing-key');
      if (created.status !== 200) throw new Error(`creating the signing key answered ${created.status}: ${JSON.stringify(created.body)}`);
      return { ...org, signingKey: created.body.signing_key as string };
    }

    /** POSTs an event to the API again, byte for byte as the carrier signed it (a redelivery). */
    const redeliver = (delivery: CarrierDelivery) => api.call('POST', '/webhooks/telnyx', { rawBody: delivery.rawBody, headers: delivery.headers });

    if (options.worker !== false) await startWorker();

    return {
      api,
      config: workerConfig,
      certificates,
      customers,
      /** The customer's media-stream endpoint (`wss`, test CA); each test streams to a path of its own. */
      media,
      deliveries,
      startWorker,
      workerProcess,
      polledBy,
      organizationWithNumber,
      organizationWithWebhook,
      ring,
      sandboxCall,
      sandboxCallWhen,
      callerHangsUp,
      callRow,
      answeredRow,
      settledRow,
      ended,
      workflowOf,
      resultOf,
      progressOf,
      redeliver,
      /** From now on the relay hands each event of `eventType` to the API twice, at once; resolves the undo. */
      deliverTwice(eventType: string): () => void {
        duplicated.add(eventType);
        return () => void duplicated.delete(eventType);
      },
      close,
    };
  });
}

async function closingOnFailureOf<T>(close: () => Promise<void>, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (error) {
    await close();
    throw error;
  }
}

export type CallStack = Awaited<ReturnType<typeof startCallStack>>;
