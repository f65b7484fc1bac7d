import { log, proxyActivities } from '@temporalio/workflow';
import type { IncomingCallTarget } from '../activities/call-activities.js';
import type { Activities } from '../activities/create-activities.js';
import { callDecisionReasons, ruleDecisionOf, type CallDecisionReason, type CustomerWebhookOutcome } from '../domain/calls.js';
import { failureMessage } from './failures.js';

/** What the workflow does with a ringing call to a known number. */
export type CallDecision =
  | { kind: 'answer'; streamUrl: string | null; reason: CallDecisionReason }
  /** `failed`: the call is rejected because something failed (fail closed), not by a rule or the customer. */
  | { kind: 'reject'; reason: CallDecisionReason; failed: boolean }
  | { kind: 'ignore'; reason: CallDecisionReason };

/**
 * The webhook activity enforces CALL_WEBHOOK_TIMEOUT_MS on the customer itself and never throws for the
 * customer's failures; this bounds its own (a database blip reading the signing key, a lost worker)
 * while the caller is still ringing.
 */
function customerWebhook(webhookTimeoutMs: number) {
  return proxyActivities<Activities>({
    startToCloseTimeout: webhookTimeoutMs + 10_000,
    retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '2 seconds', maximumAttempts: 3 },
  });
}

/** CALL_WEBHOOK_TIMEOUT_MS's default, for a caller that does not pass it. */
export const defaultWebhookTimeoutMs = 5_000;

type KnownTarget = Extract<IncomingCallTarget, { known: true }>;

const reject = (reason: CallDecisionReason, failed = false): CallDecision => ({ kind: 'reject', reason, failed });

/** `auto_reject` and paused numbers reject, `auto_accept` answers, `webhook` asks the customer (and fails closed). */
export async function decideCall(target: KnownTarget, webhookTimeoutMs = defaultWebhookTimeoutMs): Promise<CallDecision> {
  const rule = ruleDecisionOf(target.numberStatus, target.action);
  if (!rule) return askCustomer(target, webhookTimeoutMs);
  return rule.kind === 'reject' ? reject(rule.reason) : { kind: 'answer', streamUrl: target.clientWebsocketUrl, reason: rule.reason };
}

async function askCustomer(target: KnownTarget, webhookTimeoutMs: number): Promise<CallDecision> {
  let outcome: CustomerWebhookOutcome;
  try {
    outcome = await customerWebhook(webhookTimeoutMs).askCustomerWebhook.executeWithOptions({ summary: 'Ask the customer webhook' }, [{ callId: target.callId }]);
  } catch (error) {
    log.error('the customer webhook activity failed; rejecting the call', { callId: target.callId, error: failureMessage(error) });
    return reject(callDecisionReasons.webhookUnreachable, true);
  }
  if (!outcome.ok) {
    log.warn('the customer webhook failed; rejecting the call', { callId: target.callId, reason: outcome.reason, detail: outcome.detail });
    return reject(outcome.reason, true);
  }
  const { decision } = outcome;
  switch (decision.action) {
    case 'answer':
      return { kind: 'answer', streamUrl: decision.clientWebsocketUrl ?? target.clientWebsocketUrl, reason: callDecisionReasons.webhookAnswer };
    case 'reject':
      return reject(callDecisionReasons.webhookReject);
    case 'ignore':
      return { kind: 'ignore', reason: callDecisionReasons.webhookIgnore };
  }
}
