import { condition, log, proxyLocalActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';
import type { CallProgressChange, IncomingCallTarget, RuleCommand } from '../activities/call-activities.js';
import {
  callAnsweredSignal,
  callDecisionReasons,
  callHangupSignal,
  callProgressQuery,
  callStreamContext,
  callStreamingSignal,
  endedCallStatuses,
  hangupRequestedSignal,
  type CallAnsweredSignal,
  type CallHangupSignal,
  type CallProgress,
  type CallStatus,
  type HangupReason,
  type IncomingCallInput,
} from '../domain/calls.js';
import { searchAttributes } from '../domain/search-attributes.js';
import { decideCall, defaultWebhookTimeoutMs, type CallDecision } from './call-decision.js';
import { rowStatement } from './activity-presets.js';
import { failureMessage } from './failures.js';

/** What the webhook route hands the workflow: the verified `call.initiated`, and limits from config. */
export interface HandleIncomingCallInput extends IncomingCallInput {
  /** CALL_MAX_DURATION_MS: past it (from ringing) the call is hung up with `max_duration`. */
  maxDurationMs: number;
  /** CALL_WEBHOOK_TIMEOUT_MS, to bound the webhook activity a little past it; default 5 s. */
  webhookTimeoutMs?: number;
  /** How long to wait for `call.hangup` after our own hangup before settling the row anyway; default 30 s. */
  hangupWaitMs?: number;
}

/** The number lookup and row insert: a ringing caller waits, so a few quick attempts, then the call is rejected. */
const callLookup = {
  startToCloseTimeout: '5 seconds',
  scheduleToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '2 seconds' },
} as const;

/**
 * Call Control commands: each carries a deterministic command id, so a retry (or a rerun of a workflow
 * task whose worker died before completing it) is a no-op at Telnyx. Local: the command goes out in the
 * same workflow task as the lookup, without an activity task and another workflow task through the server.
 */
const callCommand = {
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '2 seconds', maximumAttempts: 5 },
} as const;

const lookups = proxyLocalActivities<Activities>(callLookup);
const rowWrites = proxyLocalActivities<Activities>(rowStatement);
const commands = proxyLocalActivities<Activities>(callCommand);

const defaultHangupWaitMs = 30_000;
const isEnded = (status: CallStatus) => (endedCallStatuses as readonly string[]).includes(status);

/**
 * One inbound call, `call/<call_control_id>`: finds the called number and inserts the call row, carries
 * out the number's `incoming_call_action` (reject, answer with streaming, or ask the customer's webhook,
 * failing closed), then follows the call's events until it hangs up, keeping the row current. It always
 * ends with the row settled: past CALL_MAX_DURATION_MS it hangs up, and after its own hangup it waits
 * for `call.hangup` at most `hangupWaitMs`.
 */
export async function handleIncomingCall(input: HandleIncomingCallInput): Promise<CallProgress> {
  const { workflowId } = workflowInfo();
  const deadline = Date.now() + input.maxDurationMs;
  const progress: CallProgress = { callId: null, status: 'initiated', decisionReason: null, streaming: 'none' };
  const signals: { answered: CallAnsweredSignal | null; hangup: CallHangupSignal | null; hangupRequested: boolean } = {
    answered: null,
    hangup: null,
    hangupRequested: false,
  };
  const hungUp = () => signals.hangup;

  setHandler(callProgressQuery, () => progress);
  setHandler(callAnsweredSignal, (signal) => void (signals.answered ??= signal));
  setHandler(callHangupSignal, (signal) => void (signals.hangup ??= signal));
  setHandler(hangupRequestedSignal, () => void (signals.hangupRequested = true));
  setHandler(callStreamingSignal, (signal) => {
    progress.streaming = signal.event;
    if (signal.event === 'failed') log.warn('media streaming failed', { callId: progress.callId, detail: signal.detail });
  });

  const call = { workflowId, callControlId: input.callControlId };
  const hangupWaitMs = input.hangupWaitMs ?? defaultHangupWaitMs;
  /**
   * After a command that ends the call, its `call.hangup` is on its way: waits for it (at most `hangupWaitMs`).
   * The timer is left to lapse, not cancelled: the workflow completes with it pending, one command less.
   */
  const awaitHangup = async () => {
    if (!hungUp()) await Promise.race([condition(() => hungUp() !== null), sleep(hangupWaitMs)]);
  };
  /**
   * Rejects the call, then waits for its `call.hangup` before the workflow goes on to complete: a workflow
   * task that completes the workflow while a signal comes in fails (UnhandledCommand) and is run again
   * from the start, local activities (the lookup, the command) included.
   */
  const reject = async (summary: string, sentByLookup?: Extract<RuleCommand, { kind: 'reject' }>['result']) => {
    const result = sentByLookup ?? (await sendCommand(() => commands.rejectIncomingCall.executeWithOptions({ summary }, [call])));
    if (result === 'done') await awaitHangup();
    return result;
  };
  // The route starts the workflow with PhoneNumber set: one upsert after the lookup adds what is missing.
  const phoneNumber = workflowInfo().typedSearchAttributes.get(searchAttributes.phoneNumber) ? [] : [{ key: searchAttributes.phoneNumber, value: input.to }];
  const upsertPhoneNumber = () => {
    if (phoneNumber.length > 0) upsertSearchAttributes(phoneNumber);
  };

  let target: IncomingCallTarget;
  try {
    // The lookup sends the number's rule's command itself, unless the call is already being hung up (a rerun).
    const sendRuleCommand = !hungUp() && !signals.hangupRequested;
    target = await lookups.beginIncomingCall.executeWithOptions({ summary: `Look up ${input.to}` }, [
      { ...input, workflowId, sendRuleCommand },
    ]);
  } catch (error) {
    log.error('could not look the called number up; rejecting the call', { to: input.to, error: failureMessage(error) });
    upsertPhoneNumber();
    await reject('Reject the call (lookup failed)');
    progress.status = 'failed';
    return progress;
  }
  if (!target.known) {
    progress.decisionReason = callDecisionReasons.numberUnknown;
    upsertPhoneNumber();
    await reject('Reject the call (unknown number)');
    progress.status = 'canceled';
    return progress;
  }
  const { callId, agentHandle } = target;
  progress.callId = callId;
  progress.status = target.callStatus;
  upsertSearchAttributes([
    ...phoneNumber,
    { key: searchAttributes.organizationId, value: target.organizationId },
    ...(agentHandle ? [{ key: searchAttributes.agentHandle, value: agentHandle }] : []),
  ]);
  // A run after retention, for a redelivered `call.initiated`: the call already settled.
  if (isEnded(target.callStatus)) {
    progress.decisionReason = target.decisionReason;
    return progress;
  }

  /** What the next row write carries besides its own change (the answer's stream URL and reason). */
  let unwritten: CallProgressChange = {};
  const record = async (change: CallProgressChange) => {
    const write = { ...unwritten, ...change };
    unwritten = {};
    const status = await rowWrites.recordCallProgress.executeWithOptions({ summary: `Record ${change.status ?? 'the decision'}` }, [callId, write]);
    progress.status = status ?? change.status ?? progress.status;
    return progress;
  };
  const now = () => new Date(Date.now()).toISOString();

  let decision: CallDecision = await decideCall(target, input.webhookTimeoutMs ?? defaultWebhookTimeoutMs);
  progress.decisionReason = decision.reason;
  log.info('call decided', { callId, decision: decision.kind, reason: decision.reason });

  const leftEarly = hungUp();
  if (leftEarly) {
    // The caller gave up while the decision was made: nothing to answer or reject.
    return record({ status: 'canceled', hangup_reason: 'remote', decision_reason: decision.reason, ended_at: leftEarly.occurredAt });
  }
  // The hangup API was called while the decision was made: the call is not answered.
  const hangupBeforeCommand = signals.hangupRequested && decision.kind !== 'reject';
  if (hangupBeforeCommand) decision = { kind: 'reject', reason: decision.reason, failed: false };

  const { ruleCommand } = target;
  let answerSent = false;
  if (decision.kind === 'answer') {
    const { streamUrl } = decision;
    const context = callStreamContext(callId, input, agentHandle);
    const sentByLookup = ruleCommand?.kind === 'answer' ? ruleCommand.result : undefined;
    const result = !streamUrl
      ? 'stream_url_refused'
      : (sentByLookup ??
        (await sendCommand(() =>
          commands.answerIncomingCall.executeWithOptions({ summary: 'Answer with media streaming' }, [{ ...call, streamUrl, context }]),
        )));
    if (result === 'stream_url_refused') {
      decision = { kind: 'reject', reason: callDecisionReasons.streamUrlRefused, failed: true };
      progress.decisionReason = decision.reason;
    } else if (result === 'call_ended') {
      return record({ status: 'canceled', hangup_reason: 'remote', decision_reason: decision.reason, ended_at: now() });
    } else if (result === 'failed') {
      return record({ status: 'failed', decision_reason: decision.reason, ended_at: now() });
    } else {
      answerSent = true;
      // Written with `call.answered`, which follows the answer at once (or with the end): one row write less per call.
      unwritten = { client_websocket_url: streamUrl, decision_reason: decision.reason };
    }
  }

  if (decision.kind === 'reject') {
    const result = await reject('Reject the call', ruleCommand?.kind === 'reject' ? ruleCommand.result : undefined);
    if (result === 'call_ended') return record({ status: 'canceled', hangup_reason: 'remote', decision_reason: decision.reason, ended_at: now() });
    return record({
      status: decision.failed || result === 'failed' ? 'failed' : 'canceled',
      hangup_reason: hangupBeforeCommand ? 'local' : 'rejected',
      decision_reason: decision.reason,
      ended_at: hungUp()?.occurredAt ?? now(),
    });
  }
  if (decision.kind === 'ignore') await record({ decision_reason: decision.reason });

  // Answered or ignored: follow the call until it hangs up. One timer for CALL_MAX_DURATION_MS, left
  // pending when the call ends: no timer started and cancelled around each event.
  const pastMaxDuration = sleep(Math.max(deadline - Date.now(), 1)).then(() => 'max_duration' as const);
  let answerRecorded = false;
  let ourReason: HangupReason | null = null;
  while (!hungUp()) {
    const woken = await Promise.race([
      condition(() => hungUp() !== null || (signals.answered !== null && !answerRecorded) || signals.hangupRequested),
      pastMaxDuration,
    ]);
    if (hungUp()) break;
    const answered = signals.answered;
    if (answered && !answerRecorded) {
      answerRecorded = true;
      await record({ status: 'answered', started_at: answered.occurredAt });
      continue;
    }
    ourReason = woken === 'max_duration' && !signals.hangupRequested ? 'max_duration' : 'local';
    log.info('hanging the call up', { callId, reason: ourReason });
    const result = answerSent
      ? await sendCommand(() => commands.hangUpCall.executeWithOptions({ summary: `Hang up (${ourReason})` }, [call]))
      : await reject(`Reject the ringing call (${ourReason})`);
    if (result === 'done') await awaitHangup();
    break;
  }

  const ended = hungUp();
  const answered = signals.answered;
  return record({
    status: answered ? 'completed' : 'canceled',
    hangup_reason: ourReason ?? (ended?.source === 'callee' ? 'local' : 'remote'),
    ended_at: ended?.occurredAt ?? now(),
    ...(answered && !answerRecorded ? { started_at: answered.occurredAt } : {}),
  });
}

/** Runs a Call Control command; `failed` when its retries ran out (logged), so the workflow still settles the row. */
async function sendCommand<T extends string>(command: () => Promise<T>): Promise<T | 'failed'> {
  try {
    return await command();
  } catch (error) {
    log.error('a Call Control command failed', { error: failureMessage(error) });
    return 'failed';
  }
}
