import { randomInt } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { workflowIds } from '../../domain/workflow-contract.js';
import { cpuWindow } from '../cpu.js';
import { runClosedLoop } from '../load.js';
import { seedSlots } from '../seed.js';
import type { BenchSettings } from '../settings.js';
import type { BenchStack } from '../stack.js';
import { percentile, ratio, type RunStats } from '../stats.js';

export const callActions = ['auto_accept', 'auto_reject'] as const;
export type CallAction = (typeof callActions)[number];

export interface CallDecisionRow {
  action: CallAction;
  concurrency: number;
  /**
   * ms from the sandbox starting to send the signed `call.initiated` to the answer or reject command
   * reaching it, both read from the sandbox's own records (one clock, ms resolution).
   */
  direct: RunStats & { firstError?: string };
  service: RunStats & { firstError?: string };
  p50Ratio: number | null;
  p99Ratio: number | null;
  /**
   * Where a service call's time to its command went, p50 / p90 ms over up to `phaseSample` measured calls,
   * from their histories' event times and the sandbox's (one machine clock): `start` from `call.initiated`
   * sent to the workflow started (the route and the start RPC), `pickup` from there to its first workflow
   * task started (matching and the worker's pollers), `worker` from there to the command received.
   */
  servicePhasesMs?: Record<'start' | 'pickup' | 'worker', { p50: number; p90: number }>;
  /** The slowest service call's history up to its first command, as `EVENT@ms` from `call.initiated` sent (the command last). */
  slowestServiceCall?: string;
  /** CPU ms per call over the measured run (the call's later events and row writes included). */
  cpuMsPerCall: {
    service: Record<'worker' | 'api' | 'temporal' | 'sandbox', number | null>;
    direct: Record<'handler' | 'sandbox', number | null>;
  };
}

/** The parts of the sandbox's call record (`GET /_sandbox/calls/{id}`) the measurement reads. */
interface SandboxCall {
  state: 'parked' | 'answered' | 'hangup';
  events: { event_type: string; sent_at: string | null }[];
  commands: { action: string; received_at: string; outcome: string }[];
}

/** How often a waiting call is looked at: the latency comes from the sandbox's timestamps, so this only sets the load the polling adds. */
const pollMs = 50;
const callTimeoutMs = 15_000;
const json = { 'content-type': 'application/json' };

async function sandboxRequest<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/**
 * Rings `to` through the sandbox and waits for the first applied answer or reject; resolves the ms from
 * the start of `call.initiated`'s delivery to the command's arrival, then hangs an answered call up
 * from the caller's side (not timed), so calls do not pile up.
 */
interface MeasuredCall {
  callControlId: string;
  sentAtMs: number;
  receivedAtMs: number;
}

async function ringAndMeasure(sandboxUrl: string, to: string, expected: 'answer' | 'reject', measured?: MeasuredCall[]): Promise<number> {
  const from = `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  const { call_control_id: id } = await sandboxRequest<{ call_control_id: string }>(`${sandboxUrl}/_sandbox/calls`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ to, from }),
  });
  const callUrl = `${sandboxUrl}/_sandbox/calls/${encodeURIComponent(id)}`;
  const deadline = Date.now() + callTimeoutMs;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const call = await sandboxRequest<SandboxCall>(callUrl);
    const command = call.commands.find((each) => each.outcome === 'applied' && (each.action === 'answer' || each.action === 'reject'));
    const sentAt = call.events.find((each) => each.event_type === 'call.initiated')?.sent_at;
    if (command && sentAt) {
      if (command.action !== expected) throw new Error(`expected ${expected}, the call got ${command.action}`);
      if (call.state !== 'hangup') await sandboxRequest(`${callUrl}/hangup`, { method: 'POST', headers: json, body: '{}' });
      measured?.push({ callControlId: id, sentAtMs: Date.parse(sentAt), receivedAtMs: Date.parse(command.received_at) });
      return Date.parse(command.received_at) - Date.parse(sentAt);
    }
    if (call.state === 'hangup') throw new Error(`the call ended without an answer or reject (commands: ${JSON.stringify(call.commands)})`);
    if (Date.now() > deadline) throw new Error(`no answer or reject within ${callTimeoutMs} ms`);
  }
}

/** How many of a service run's calls have their histories read for `servicePhasesMs`. */
const phaseSample = 60;
const { EventType } = proto.temporal.api.enums.v1;

/** `servicePhasesMs` of a sample of the run's calls (spread over the run); calls whose history cannot be read are left out. */
async function servicePhases(client: Client, calls: MeasuredCall[]): Promise<CallDecisionRow['servicePhasesMs']> {
  const step = Math.max(1, Math.floor(calls.length / phaseSample));
  const sample = calls.filter((_, i) => i % step === 0).slice(0, phaseSample);
  const phases = { start: [] as number[], pickup: [] as number[], worker: [] as number[] };
  await Promise.all(
    sample.map(async (call) => {
      const history = await client.workflow
        .getHandle(workflowIds.call(call.callControlId))
        .fetchHistory()
        .catch(() => undefined);
      const timeOf = (type: proto.temporal.api.enums.v1.EventType) => {
        const time = history?.events?.find((event) => event.eventType === type)?.eventTime;
        return time ? Number(time.seconds) * 1000 + (time.nanos ?? 0) / 1e6 : undefined;
      };
      const started = timeOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
      const taskStarted = timeOf(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
      if (started === undefined || taskStarted === undefined) return;
      phases.start.push(started - call.sentAtMs);
      phases.pickup.push(taskStarted - started);
      phases.worker.push(call.receivedAtMs - taskStarted);
    }),
  );
  if (phases.start.length === 0) return undefined;
  const figures = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: Math.round(percentile(sorted, 50)), p90: Math.round(percentile(sorted, 90)) };
  };
  return { start: figures(phases.start), pickup: figures(phases.pickup), worker: figures(phases.worker) };
}

/** `slowestServiceCall`: the events of the slowest call's history that came before its command reached the sandbox. */
async function slowestCall(client: Client, calls: MeasuredCall[]): Promise<string | undefined> {
  const slowest = calls.reduce<MeasuredCall | undefined>((worst, call) => (!worst || call.receivedAtMs - call.sentAtMs > worst.receivedAtMs - worst.sentAtMs ? call : worst), undefined);
  if (!slowest) return undefined;
  const history = await client.workflow
    .getHandle(workflowIds.call(slowest.callControlId))
    .fetchHistory()
    .catch(() => undefined);
  const events = (history?.events ?? []).flatMap((event) => {
    const time = event.eventTime;
    const at = time ? Number(time.seconds) * 1000 + (time.nanos ?? 0) / 1e6 : NaN;
    if (!(at <= slowest.receivedAtMs)) return [];
    const name = (EventType[event.eventType ?? 0] ?? String(event.eventType)).replace('EVENT_TYPE_', '');
    const poller = event.workflowTaskStartedEventAttributes?.identity;
    return [`${name}@${Math.round(at - slowest.sentAtMs)}${poller ? `(${poller})` : ''}`];
  });
  return [...events, `command@${slowest.receivedAtMs - slowest.sentAtMs}`].join(' ');
}

/** Where the sandbox sends call events; it accepts the stream sink's self-signed certificate. */
async function setWebhookUrl(stack: BenchStack, url: string): Promise<void> {
  const config = { webhook_url: url, media_tls_insecure: true };
  await sandboxRequest(`${stack.sandboxUrl}/_sandbox/config`, { method: 'POST', headers: json, body: JSON.stringify(config) });
}

/** Numbers bought through the API, then given their incoming_call_action (auto_accept streams to `streamUrl`). */
async function provisionNumbers(stack: BenchStack, perAction: number, streamUrl: string): Promise<Record<CallAction, string[]>> {
  const slots = await seedSlots(stack.db, perAction * callActions.length, 1, 'calls');
  const numbers: Record<CallAction, string[]> = { auto_accept: [], auto_reject: [] };
  for (const [i, slot] of slots.entries()) {
    const action = callActions[i % callActions.length]!;
    const created = await sandboxRequest<{ id: string; number: string; status: string }>(`${stack.apiUrl}/numbers`, {
      method: 'POST',
      headers: { ...json, 'x-api-key': slot.apiKey },
      body: JSON.stringify({ agent_handle: slot.agentHandle, type: 'local', state: slot.state }),
    });
    await stack.db
      .updateTable('phone_numbers')
      .set({ incoming_call_action: action, client_websocket_url: action === 'auto_accept' ? streamUrl : null })
      .where('id', '=', created.id)
      .execute();
    numbers[action].push(created.number);
  }
  return numbers;
}

/**
 * Incoming calls decided by the service (sandbox → API → `handleIncomingCall` on the worker → command)
 * and by the direct handler (sandbox → one Express process → the same activity functions → command),
 * for `auto_accept` and `auto_reject` numbers at each concurrency; the sandbox's webhook URL is switched
 * between the two, which run one after the other.
 */
export async function runCallDecision(stack: BenchStack, settings: BenchSettings, log: (line: string) => void): Promise<CallDecisionRow[]> {
  const sink = stack.spawn('stream-sink', 'bench/stream-sink.ts');
  const handler = stack.spawn('direct-call-handler', 'bench/direct-call-handler.ts');
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  try {
    const streamUrl = (JSON.parse(await sink.waitForLine(/"ready":true/)) as { url: string }).url;
    const handlerUrl = (JSON.parse(await handler.waitForLine(/"ready":true/)) as { url: string }).url;
    const apiUrl = `${stack.apiUrl}/webhooks/telnyx`;
    // Provisioning runs sell from 100 000 on and the read path from 50 000; this range is free.
    await stack.restartSandbox(60_000, 0, { signing: true, webhookUrl: apiUrl });
    const numbers = await provisionNumbers(stack, settings.callNumbersPerAction, streamUrl);

    const run = async (action: CallAction, concurrency: number, webhookUrl: string, processes: { name: string; pid: number | null }[]) => {
      await setWebhookUrl(stack, webhookUrl);
      const expected = action === 'auto_accept' ? 'answer' : 'reject';
      const targets = numbers[action];
      const measured: MeasuredCall[] = [];
      const ring = (n: number, into?: MeasuredCall[]) => ringAndMeasure(stack.sandboxUrl, targets[n % targets.length]!, expected, into);
      for (let i = 0; i < Math.max(2, concurrency); i += 1) await ring(i);
      const cpu = cpuWindow(processes);
      const stats = await runClosedLoop({ concurrency, durationMs: settings.callSeconds * 1000, maxRequests: settings.maxCallsPerRun, request: (_worker, n) => ring(n, measured) });
      const cpuMs = cpu.perOperation(stats.count + stats.errors);
      // The last calls' hangup events are still on their way: let them land where they belong.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { stats, cpuMs, measured };
    };

    const rows: CallDecisionRow[] = [];
    for (const action of callActions) {
      for (const concurrency of settings.callConcurrencies) {
        const sandbox = { name: 'sandbox', pid: stack.sandboxPid() };
        const direct = await run(action, concurrency, handlerUrl, [{ name: 'handler', pid: handler.pid }, sandbox]);
        const service = await run(action, concurrency, apiUrl, [
          { name: 'worker', pid: stack.worker.pid },
          { name: 'api', pid: stack.api.pid },
          { name: 'temporal', pid: stack.temporalPid },
          sandbox,
        ]);
        rows.push({
          action,
          concurrency,
          direct: direct.stats,
          service: service.stats,
          p50Ratio: ratio(service.stats.p50Ms, direct.stats.p50Ms),
          p99Ratio: ratio(service.stats.p99Ms, direct.stats.p99Ms),
          servicePhasesMs: await servicePhases(client, service.measured),
          slowestServiceCall: await slowestCall(client, service.measured),
          cpuMsPerCall: {
            service: { worker: service.cpuMs.worker ?? null, api: service.cpuMs.api ?? null, temporal: service.cpuMs.temporal ?? null, sandbox: service.cpuMs.sandbox ?? null },
            direct: { handler: direct.cpuMs.handler ?? null, sandbox: direct.cpuMs.sandbox ?? null },
          },
        });
        const firstError = service.stats.firstError ?? direct.stats.firstError;
        const phases = rows.at(-1)?.servicePhasesMs;
        const phaseText = phases
          ? `; service phases p50/p90: start ${phases.start.p50}/${phases.start.p90}, pickup ${phases.pickup.p50}/${phases.pickup.p90}, worker ${phases.worker.p50}/${phases.worker.p90} ms`
          : '';
        const slowest = rows.at(-1)?.slowestServiceCall;
        if (slowest) log(`calls ${action} c=${concurrency}: slowest service call: ${slowest}`);
        log(
          `calls ${action} c=${concurrency}: direct p50 ${direct.stats.p50Ms} ms p99 ${direct.stats.p99Ms} ms, ` +
            `service p50 ${service.stats.p50Ms} ms p99 ${service.stats.p99Ms} ms (errors ${direct.stats.errors + service.stats.errors}${firstError ? `: ${firstError}` : ''})${phaseText}`,
        );
      }
    }
    return rows;
  } finally {
    await Promise.all([sink.stop(), handler.stop(), connection.close()]);
  }
}
