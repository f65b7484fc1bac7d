import type { AddressInfo } from 'node:net';
import express from 'express';
import { createCallActivities, type CallProgressChange } from '../activities/call-activities.js';
import { createTelnyxCarrier } from '../carrier/telnyx-carrier.js';
import { createWebhookVerifier, type TelnyxEvent } from '../carrier/webhook-verifier.js';
import { loadConfig } from '../config/config.js';
import { createDatabase } from '../db/connect.js';
import { decideCall } from '../workflows/call-decision.js';

/**
 * The call-decision baseline: the incoming-call webhook without Temporal, in a process of its own as
 * the API is. It verifies the signature with the API's verifier, answers 200, then does what
 * `handleIncomingCall` does up to and around the command, with the same activity functions: the number
 * lookup and call row insert, the decision (`decideCall`), the answer (SSRF check of the stream URL
 * included) or reject through the carrier adapter, and the row writes for the decision, the answer and
 * the hangup. Nothing is durable: no retries, and a crash forgets the call. `auto_accept` and
 * `auto_reject` numbers only (a `webhook` number would need the workflow's activity proxy).
 * Environment: the API's (DATABASE_URL, TELNYX_BASE_URL, TELNYX_PUBLIC_KEY, ALLOW_PRIVATE_CALLBACK_URLS).
 */
const config = loadConfig();
const db = createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
const carrier = createTelnyxCarrier({ apiKey: 'bench', baseURL: config.TELNYX_BASE_URL });
const calls = createCallActivities({ db, carrier, config });
const verify = createWebhookVerifier(config.TELNYX_PUBLIC_KEY!);
/** call_control_id → the call row's id and whether it was answered, for the events after call.initiated. */
const live = new Map<string, { callId: string; answered: boolean }>();

const text = (payload: Record<string, unknown>, key: string) => (typeof payload[key] === 'string' ? payload[key] : null);

async function initiated(event: TelnyxEvent['data']): Promise<void> {
  const { payload } = event;
  const callControlId = text(payload, 'call_control_id')!;
  const workflowId = `direct/${callControlId}`;
  const call = { workflowId, callControlId };
  const input = {
    callControlId,
    callLegId: text(payload, 'call_leg_id'),
    callSessionId: text(payload, 'call_session_id'),
    from: text(payload, 'from')!,
    to: text(payload, 'to')!,
    startedAt: text(payload, 'start_time') ?? event.occurred_at,
  };
  const target = await calls.beginIncomingCall({ ...input, workflowId });
  if (!target.known) {
    await calls.rejectIncomingCall(call);
    return;
  }
  live.set(callControlId, { callId: target.callId, answered: false });
  const decision = await decideCall(target);
  const record = (change: CallProgressChange) => calls.recordCallProgress(target.callId, { decision_reason: decision.reason, ...change });
  if (decision.kind === 'answer' && decision.streamUrl) {
    const context = { call_id: target.callId, local_phone_number: input.to, remote_phone_number: input.from, agent_handle: target.agentHandle };
    const result = await calls.answerIncomingCall({ ...call, streamUrl: decision.streamUrl, context });
    if (result === 'done') await record({ client_websocket_url: decision.streamUrl });
    else throw new Error(`answer: ${result}`);
    return;
  }
  await calls.rejectIncomingCall(call);
  await record({ status: 'canceled', hangup_reason: 'rejected', ended_at: new Date().toISOString() });
}

async function handle(event: TelnyxEvent['data']): Promise<void> {
  const callControlId = text(event.payload, 'call_control_id');
  const known = callControlId ? live.get(callControlId) : undefined;
  switch (event.event_type) {
    case 'call.initiated':
      return initiated(event);
    case 'call.answered':
      if (!known) return;
      known.answered = true;
      await calls.recordCallProgress(known.callId, { status: 'answered', started_at: event.occurred_at });
      return;
    case 'call.hangup':
      if (!known) return;
      live.delete(callControlId!);
      await calls.recordCallProgress(known.callId, { status: known.answered ? 'completed' : 'canceled', hangup_reason: 'remote', ended_at: event.occurred_at });
      return;
  }
}

const app = express();
app.post('/webhooks/telnyx', express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
  const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
  let event: TelnyxEvent;
  try {
    event = await verify(rawBody, headers);
  } catch {
    res.status(401).json({ error: 'unauthorized' });
    return;
  }
  res.status(200).json({ received: true });
  handle(event.data).catch((error: unknown) => console.error('direct call handler:', event.data.event_type, error));
});
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}/webhooks/telnyx` }));
});
process.once('SIGTERM', () => server.close(() => void db.destroy().then(() => process.exit(0))));
