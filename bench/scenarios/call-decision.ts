import { randomInt } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { workflowIds } from '../../domain/workflow-contract.js';
import { runAlternatingBursts } from '../burst.js';
import { cpuWindow } from '../cpu.js';
import { EventType, eventMs, eventName, fetchEvents, firstEventMs, spreadSample } from '../history-times.js';
import { runClosedLoop } from '../load.js';
import { seedSlots } from '../seed.js';
import type { BenchSettings } from '../settings.js';
import type { BenchStack } from '../stack.js';
import { p50p90, ratio, type RunStats } from '../stats.js';

export const callActions = ['auto_accept', 'auto_reject'] as const;
export type CallAction = (typeof callActions)[number];

/** One measured way of ringing, service beside direct. */
export interface CallRunFigures {
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

/**
 * An action at a concurrency. The top-level figures are a closed loop: `concurrency` calls always in
 * flight, each hung up once decided and the next rung at once. At c=1 that is one call at a time; above
 * it is a back-to-back saturation test, whose latency is about concurrency / throughput (its calls/s is
 * `service.perSecond`), so it measures capacity, not the decision time of that many calls in progress.
 */
export interface CallDecisionRow extends CallRunFigures {
  action: CallAction;
  concurrency: number;
  /**
   * Above c=1 (absent in reports from before it was measured): `concurrency` calls rung at the same
   * instant, each timed as above and hung up once decided, the stack left to settle before the next round;
   * the goal for calls in progress together is judged on these.
   */
  burst?: CallRunFigures & { rounds: number };
}

/** The parts of the sandbox's call record (`GET /_sandbox/calls/{id}`) the measurement reads. */
interface SandboxCall {
  state: 'parked' | 'answered' | 'hangup';
  events: { event_type: string; sent_at: string | null; status: number | null }[];
  commands: { action: string; received_at: string; outcome: string }[];
}

const callTimeoutMs = 15_000;
const json = { 'content-type': 'application/json' };

async function sandboxRequest<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

interface MeasuredCall {
  callControlId: string;
  sentAtMs: number;
  receivedAtMs: number;
}

/**
 * Rings `to` through the sandbox and waits (one request the sandbox holds, no polling) for the first
 * applied answer or reject; resolves the call with the start of `call.initiated`'s delivery and the
 * command's arrival, then hangs an answered call up from the caller's side (not timed).
 */
async function ringAndMeasure(sandboxUrl: string, to: string, expected: 'answer' | 'reject'): Promise<MeasuredCall> {
  const from = `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  const { call_control_id: id } = await sandboxRequest<{ call_control_id: string }>(`${sandboxUrl}/_sandbox/calls`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ to, from }),
  });
  const callUrl = `${sandboxUrl}/_sandbox/calls/${encodeURIComponent(id)}`;
  const call = await sandboxRequest<SandboxCall>(`${callUrl}?wait_for=decision&timeout_ms=${callTimeoutMs}`);
  const command = call.commands.find((each) => each.outcome === 'applied' && (each.action === 'answer' || each.action === 'reject'));
  const sentAt = call.events.find((each) => each.event_type === 'call.initiated')?.sent_at;
  if (!command || !sentAt) {
    if (call.state === 'hangup') throw new Error(`the call ended without an answer or reject (commands: ${JSON.stringify(call.commands)})`);
    throw new Error(`no answer or reject within ${callTimeoutMs} ms`);
  }
  if (command.action !== expected) throw new Error(`expected ${expected}, the call got ${command.action}`);
  if (call.state !== 'hangup') await sandboxRequest(`${callUrl}/hangup`, { method: 'POST', headers: json, body: '{}' });
  return { callControlId: id, sentAtMs: Date.parse(sentAt), receivedAtMs: Date.parse(command.received_at) };
}

const latencyOf = (call: MeasuredCall) => call.receivedAtMs - call.sentAtMs;

/** How many of a service run's calls have their histories read for `servicePhasesMs`. */
const phaseSample = 60;

/** `servicePhasesMs` of a sample of the run's calls (spread over the run); calls whose history cannot be read are left out. */
async function servicePhases(client: Client, calls: MeasuredCall[]): Promise<CallRunFigures['servicePhasesMs']> {
  const phases = { start: [] as number[], pickup: [] as number[], worker: [] as number[] };
  await Promise.all(
    spreadSample(calls, phaseSample).map(async (call) => {
      const events = await fetchEvents(client, workflowIds.call(call.callControlId));
      const started = firstEventMs(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
      const taskStarted = firstEventMs(events, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
      if (started === undefined || taskStarted === undefined) return;
      phases.start.push(started - call.sentAtMs);
      phases.pickup.push(taskStarted - started);
      phases.worker.push(call.receivedAtMs - taskStarted);
    }),
  );
  if (phases.start.length === 0) return undefined;
  return { start: p50p90(phases.start), pickup: p50p90(phases.pickup), worker: p50p90(phases.worker) };
}

/** `slowestServiceCall`: the events of the slowest call's history that came before its command reached the sandbox. */
async function slowestCall(client: Client, calls: MeasuredCall[]): Promise<string | undefined> {
  const slowest = calls.reduce<MeasuredCall | undefined>((worst, call) => (!worst || latencyOf(call) > latencyOf(worst) ? call : worst), undefined);
  if (!slowest) return undefined;
  const events = (await fetchEvents(client, workflowIds.call(slowest.callControlId))) ?? [];
  const before = events.flatMap((event) => {
    const at = eventMs(event);
    if (!(at <= slowest.receivedAtMs)) return [];
    const poller = event.workflowTaskStartedEventAttributes?.identity;
    return [`${eventName(event)}@${Math.round(at - slowest.sentAtMs)}${poller ? `(${poller})` : ''}`];
  });
  return [...before, `command@${latencyOf(slowest)}`].join(' ');
}

/** How long a burst round may take to settle before the next one rings anyway. */
const settleMs = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (at most `settleMs`) until a burst round's calls are over everywhere: their workflows closed
 * (service; one long poll each, no polling) and every event of theirs delivered by the sandbox (the
 * hangup reached the API or the handler), then a short pause for the row writes behind the last events.
 */
async function settleCalls(sandboxUrl: string, calls: MeasuredCall[], client?: Client): Promise<void> {
  const deadline = Date.now() + settleMs;
  if (client) {
    const closed = Promise.all(calls.map((call) => client.workflow.getHandle(workflowIds.call(call.callControlId)).result().catch(() => undefined)));
    await Promise.race([closed, sleep(settleMs)]);
  }
  for (;;) {
    const records = await Promise.all(
      calls.map((call) => sandboxRequest<SandboxCall>(`${sandboxUrl}/_sandbox/calls/${encodeURIComponent(call.callControlId)}`)),
    );
    if (records.every((record) => record.state === 'hangup' && record.events.every((event) => event.status !== null)) || Date.now() > deadline) break;
    await sleep(100);
  }
  await sleep(200);
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
 * for `auto_accept` and `auto_reject` numbers at each concurrency: above c=1 first in bursts (direct and
 * service rounds taking turns), then in a closed loop (direct, then service). The sandbox's webhook URL is
 * switched between the two.
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

    const ring = (action: CallAction, n: number) => ringAndMeasure(stack.sandboxUrl, numbers[action][n % numbers[action].length]!, action === 'auto_accept' ? 'answer' : 'reject');
    const sandbox = () => ({ name: 'sandbox', pid: stack.sandboxPid() });
    const sides = {
      direct: { webhookUrl: handlerUrl, processes: () => [{ name: 'handler', pid: handler.pid }, sandbox()], client: undefined },
      service: {
        webhookUrl: apiUrl,
        processes: () => [{ name: 'worker', pid: stack.worker.pid }, { name: 'api', pid: stack.api.pid }, { name: 'temporal', pid: stack.temporalPid }, sandbox()],
        client,
      },
    };
    type Side = (typeof sides)[keyof typeof sides];

    /** Warms up, then measures `measure` with the side's webhook URL, and its CPU per call. */
    const measured = async (side: Side, action: CallAction, warmup: number, measure: () => Promise<RunStats & { firstError?: string; results: MeasuredCall[] }>) => {
      await setWebhookUrl(stack, side.webhookUrl);
      for (let i = 0; i < warmup; i += 1) await ring(action, i);
      const cpu = cpuWindow(side.processes());
      const { results, ...stats } = await measure();
      const cpuMs = cpu.perOperation(stats.count + stats.errors);
      // The last calls' hangup events are still on their way: let them land where they belong.
      await sleep(500);
      return { stats, cpuMs, results };
    };
    const closedLoop = (side: Side, action: CallAction, concurrency: number) =>
      measured(side, action, Math.max(2, concurrency), async () => {
        const results: MeasuredCall[] = [];
        const stats = await runClosedLoop({
          concurrency,
          durationMs: settings.callSeconds * 1000,
          maxRequests: settings.maxCallsPerRun,
          request: async (_worker, n) => {
            const call = await ring(action, n);
            results.push(call);
            return latencyOf(call);
          },
        });
        return { ...stats, results };
      });
    /** Direct and service bursts taking turns round by round (each side warmed up first), in `measured`'s shape. */
    const bursts = async (action: CallAction, size: number) => {
      const both = [sides.direct, sides.service];
      for (const side of both) {
        await setWebhookUrl(stack, side.webhookUrl);
        for (let i = 0; i < 2; i += 1) await ring(action, i);
      }
      const runs = await runAlternatingBursts({
        size,
        rounds: settings.callBurstRounds,
        latencyOf,
        sides: both.map((side) => ({
          prepare: () => setWebhookUrl(stack, side.webhookUrl),
          request: (n: number) => ring(action, n),
          settle: (calls: MeasuredCall[]) => settleCalls(stack.sandboxUrl, calls, side.client),
          processes: side.processes,
        })),
      });
      const [direct, service] = runs.map(({ results, cpuMsPerOperation, ...stats }) => ({ stats, cpuMs: cpuMsPerOperation, results }));
      return { direct: direct!, service: service! };
    };
    /** Service beside direct for one way of ringing, with where the service's time went. */
    const figures = async (
      direct: Awaited<ReturnType<typeof closedLoop>>,
      service: Awaited<ReturnType<typeof closedLoop>>,
    ): Promise<CallRunFigures> => ({
      direct: direct.stats,
      service: service.stats,
      p50Ratio: ratio(service.stats.p50Ms, direct.stats.p50Ms),
      p99Ratio: ratio(service.stats.p99Ms, direct.stats.p99Ms),
      servicePhasesMs: await servicePhases(client, service.results),
      slowestServiceCall: await slowestCall(client, service.results),
      cpuMsPerCall: {
        service: { worker: service.cpuMs.worker ?? null, api: service.cpuMs.api ?? null, temporal: service.cpuMs.temporal ?? null, sandbox: service.cpuMs.sandbox ?? null },
        direct: { handler: direct.cpuMs.handler ?? null, sandbox: direct.cpuMs.sandbox ?? null },
      },
    });
    const report = (label: string, row: CallRunFigures) => {
      const { direct, service, servicePhasesMs: phases, slowestServiceCall: slowest } = row;
      const firstError = service.firstError ?? direct.firstError;
      const phaseText = phases
        ? `; service phases p50/p90: start ${phases.start.p50}/${phases.start.p90}, pickup ${phases.pickup.p50}/${phases.pickup.p90}, worker ${phases.worker.p50}/${phases.worker.p90} ms`
        : '';
      if (slowest) log(`calls ${label}: slowest service call: ${slowest}`);
      log(
        `calls ${label}: direct p50 ${direct.p50Ms} ms p99 ${direct.p99Ms} ms, service p50 ${service.p50Ms} ms p99 ${service.p99Ms} ms, ` +
          `${service.perSecond} calls/s (errors ${direct.errors + service.errors}${firstError ? `: ${firstError}` : ''})${phaseText}`,
      );
    };

    const rows: CallDecisionRow[] = [];
    for (const action of callActions) {
      for (const concurrency of settings.callConcurrencies) {
        // The burst first, on a settled stack; then the closed loop at the same concurrency.
        let burst: CallDecisionRow['burst'];
        if (concurrency > 1) {
          const { direct, service } = await bursts(action, concurrency);
          burst = { rounds: settings.callBurstRounds, ...(await figures(direct, service)) };
          report(`${action} burst of ${concurrency} x ${settings.callBurstRounds} rounds`, burst);
        }
        const direct = await closedLoop(sides.direct, action, concurrency);
        const service = await closedLoop(sides.service, action, concurrency);
        const row: CallDecisionRow = { action, concurrency, ...(await figures(direct, service)), ...(burst ? { burst } : {}) };
        rows.push(row);
        report(`${action} c=${concurrency}${concurrency > 1 ? ' back-to-back saturation' : ''}`, row);
      }
    }
    return rows;
  } finally {
    await Promise.all([sink.stop(), handler.stop(), connection.close()]);
  }
}
