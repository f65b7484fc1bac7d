import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { IncomingCallAction, PhoneNumberStatus } from './phone-number.js';

/** A call's status as Inkbox's `PhoneCall.status` has it. */
export const callStatuses = ['initiated', 'ringing', 'answered', 'completed', 'failed', 'canceled'] as const;
export type CallStatus = (typeof callStatuses)[number];

/** Statuses a call never leaves; `POST /calls/{id}/hangup` answers 409 on them. */
export const endedCallStatuses = ['completed', 'failed', 'canceled'] as const satisfies readonly CallStatus[];

/** Inkbox's `PhoneCall.hangup_reason`. */
export const hangupReasons = ['local', 'remote', 'max_duration', 'voicemail', 'rejected'] as const;
export type HangupReason = (typeof hangupReasons)[number];

/**
 * Why a call was answered, rejected or left ringing, stored in `calls.decision_reason` for operators
 * (never shown to customers). The `webhook_*` failures reject the call: the webhook fails closed.
 */
export const callDecisionReasons = {
  autoAccept: 'auto_accept',
  autoReject: 'auto_reject',
  numberPaused: 'number_paused',
  numberUnknown: 'number_unknown',
  webhookAnswer: 'webhook_answer',
  webhookReject: 'webhook_reject',
  webhookIgnore: 'webhook_ignore',
  webhookTimeout: 'webhook_timeout',
  webhookNon2xx: 'webhook_non_2xx',
  webhookRedirect: 'webhook_redirect',
  webhookBadBody: 'webhook_bad_body',
  webhookAddressRefused: 'webhook_address_refused',
  webhookUnreachable: 'webhook_unreachable',
  signingKeyMissing: 'signing_key_missing',
  streamUrlRefused: 'stream_url_refused',
} as const;
export type CallDecisionReason = (typeof callDecisionReasons)[keyof typeof callDecisionReasons];

/** What a number's own settings decide, without asking anyone; null for `webhook`, where the customer decides. */
export type RuleDecision = { kind: 'answer' | 'reject'; reason: CallDecisionReason } | null;

/** `paused` numbers and `auto_reject` reject, `auto_accept` answers (with the number's own stream URL). */
export function ruleDecisionOf(numberStatus: PhoneNumberStatus, action: IncomingCallAction): RuleDecision {
  if (numberStatus === 'paused') return { kind: 'reject', reason: callDecisionReasons.numberPaused };
  switch (action) {
    case 'auto_reject':
      return { kind: 'reject', reason: callDecisionReasons.autoReject };
    case 'auto_accept':
      return { kind: 'answer', reason: callDecisionReasons.autoAccept };
    case 'webhook':
      return null;
  }
}

/** What Telnyx carries to the media stream (`client_state`, base64 JSON): who the call is for. */
export interface CallStreamContext {
  call_id: string;
  local_phone_number: string;
  remote_phone_number: string;
  agent_handle: string | null;
}

export const callStreamContext = (callId: string, input: Pick<IncomingCallInput, 'to' | 'from'>, agentHandle: string | null): CallStreamContext => ({
  call_id: callId,
  local_phone_number: input.to,
  remote_phone_number: input.from,
  agent_handle: agentHandle,
});

/** What the Telnyx webhook route hands `handleIncomingCall`, from a verified `call.initiated`. */
export interface IncomingCallInput {
  /** Telnyx's handle for every command on the call. */
  callControlId: string;
  callLegId: string | null;
  callSessionId: string | null;
  /** The caller, E.164. */
  from: string;
  /** The called number (ours), E.164. */
  to: string;
  /** When the call started ringing (Telnyx `start_time`, else the event's `occurred_at`). */
  startedAt: string;
}

/** What a customer's incoming-call webhook answered. */
export type CustomerCallDecision =
  | { action: 'answer'; clientWebsocketUrl: string | null }
  | { action: 'reject' }
  | { action: 'ignore' };

/** The webhook activity's result: the customer's decision, or why it failed (then the call is rejected). */
export type CustomerWebhookOutcome =
  | { ok: true; decision: CustomerCallDecision }
  | { ok: false; reason: CallDecisionReason; detail: string };

/** `call.answered`, relayed by the webhook route. */
export interface CallAnsweredSignal {
  occurredAt: string;
}

/** `streaming.started`, `streaming.stopped` or `streaming.failed`, relayed by the webhook route. */
export interface CallStreamingSignal {
  event: 'started' | 'stopped' | 'failed';
  occurredAt: string;
  /** Telnyx's failure reason on `streaming.failed`. */
  detail: string | null;
}

/** `call.hangup`, relayed by the webhook route. */
export interface CallHangupSignal {
  occurredAt: string;
  /** Telnyx `hangup_cause`, e.g. `normal_clearing`, `call_rejected`, `originator_cancel`. */
  cause: string | null;
  /** Telnyx `hangup_source`: `caller`, `callee` or `unknown`. */
  source: string | null;
}

export const callAnsweredSignal = defineSignal<[CallAnsweredSignal]>('callAnswered');
export const callStreamingSignal = defineSignal<[CallStreamingSignal]>('callStreaming');
export const callHangupSignal = defineSignal<[CallHangupSignal]>('callHangup');
/** `POST /api/v1/phone/calls/{id}/hangup`: the workflow hangs the call up (`hangup_reason` `local`). */
export const hangupRequestedSignal = defineSignal<[]>('hangupRequested');

/** Where a call workflow stands, for the UI and tests. */
export interface CallProgress {
  callId: string | null;
  status: CallStatus;
  decisionReason: CallDecisionReason | null;
  streaming: 'none' | 'started' | 'stopped' | 'failed';
}
export const callProgressQuery = defineQuery<CallProgress>('callProgress');
