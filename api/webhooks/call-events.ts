import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { TelnyxEvent } from '../../carrier/webhook-verifier.js';
import type { Config } from '../../config/config.js';
import { callAnsweredSignal, callHangupSignal, callStreamingSignal } from '../../domain/calls.js';
import { searchAttributes } from '../../domain/search-attributes.js';
import { workflowIds } from '../../domain/workflow-contract.js';
import type { handleIncomingCall, HandleIncomingCallInput } from '../../workflows/handle-incoming-call.js';

/** The Call Control events this route acts on; any other event type is acknowledged and ignored. */
export const callEventTypes = ['call.initiated', 'call.answered', 'streaming.started', 'streaming.stopped', 'streaming.failed', 'call.hangup'] as const;

const text = (max: number) => z.string().min(1).max(max);
/** Telnyx's ids are UUID-like; the cap keeps `call/<id>` inside Temporal's 255-character id limit. */
const callControlId = text(200);
const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a timestamp');
/** Optional text: a value of another shape reads as absent rather than dropping the event. */
const optionalText = (max: number) => z.string().max(max).nullish().catch(null);

/**
 * Only what the workflow cannot do without (the call's id, the called number, the direction) makes an
 * event unusable; the rest falls back, so a call is never left ringing for want of a side field.
 */
const envelope = <P extends z.ZodType>(payload: P) =>
  z.object({ occurred_at: timestamp.catch(() => new Date().toISOString()), payload });

const initiated = envelope(
  z.object({
    call_control_id: callControlId,
    call_leg_id: optionalText(200),
    call_session_id: optionalText(200),
    /** The caller: E.164 when known, else whatever Telnyx has (a withheld number); stored as is. */
    from: optionalText(64),
    to: text(64),
    direction: z.string(),
    start_time: timestamp.nullish().catch(null),
  }),
);
const answered = envelope(z.object({ call_control_id: callControlId }));
const streaming = envelope(z.object({ call_control_id: callControlId, failure_reason: optionalText(1000) }));
const hangup = envelope(z.object({ call_control_id: callControlId, hangup_cause: optionalText(100), hangup_source: optionalText(100) }));

export interface CallEventDeps {
  temporal: Client;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'CALL_MAX_DURATION_MS' | 'CALL_WEBHOOK_TIMEOUT_MS'>;
}

/** What a call event did, for the request's log line: the workflow it started or signalled, or why it was ignored. */
export type CallEventResult = { workflowId: string } | { ignored: string };

const invalid = (error: z.ZodError): CallEventResult => ({
  ignored: `invalid payload: ${error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
});

/**
 * `call.initiated` (incoming) starts `handleIncomingCall` as `call/<call_control_id>`: a redelivery while
 * it runs joins it (USE_EXISTING), and one after it closed starts nothing (REJECT_DUPLICATE). The other
 * events become signals to that workflow; one that has ended or never started is ignored.
 */
export async function handleCallEvent(event: TelnyxEvent, deps: CallEventDeps, log?: Logger): Promise<CallEventResult> {
  const result = await dispatch(event.data, deps);
  if ('ignored' in result && result.ignored.startsWith('invalid payload')) {
    log?.warn({ eventType: event.data.event_type, eventId: event.data.id, reason: result.ignored }, 'call event ignored');
  }
  return result;
}

async function dispatch(data: TelnyxEvent['data'], deps: CallEventDeps): Promise<CallEventResult> {
  switch (data.event_type) {
    case 'call.initiated': {
      const parsed = initiated.safeParse(data);
      if (!parsed.success) return invalid(parsed.error);
      if (parsed.data.payload.direction !== 'incoming') return { ignored: `direction ${parsed.data.payload.direction}` };
      return startCall(parsed.data, deps);
    }
    case 'call.answered': {
      const parsed = answered.safeParse(data);
      if (!parsed.success) return invalid(parsed.error);
      return signal(deps, parsed.data.payload.call_control_id, (handle) => handle.signal(callAnsweredSignal, { occurredAt: parsed.data.occurred_at }));
    }
    case 'streaming.started':
    case 'streaming.stopped':
    case 'streaming.failed': {
      const parsed = streaming.safeParse(data);
      if (!parsed.success) return invalid(parsed.error);
      const streamEvent = data.event_type.slice('streaming.'.length) as 'started' | 'stopped' | 'failed';
      return signal(deps, parsed.data.payload.call_control_id, (handle) =>
        handle.signal(callStreamingSignal, { event: streamEvent, occurredAt: parsed.data.occurred_at, detail: parsed.data.payload.failure_reason ?? null }),
      );
    }
    case 'call.hangup': {
      const parsed = hangup.safeParse(data);
      if (!parsed.success) return invalid(parsed.error);
      const { payload } = parsed.data;
      return signal(deps, payload.call_control_id, (handle) =>
        handle.signal(callHangupSignal, { occurredAt: parsed.data.occurred_at, cause: payload.hangup_cause ?? null, source: payload.hangup_source ?? null }),
      );
    }
    default:
      return { ignored: `event type ${data.event_type}` };
  }
}

async function startCall(event: z.infer<typeof initiated>, { temporal, config }: CallEventDeps): Promise<CallEventResult> {
  const { payload } = event;
  const workflowId = workflowIds.call(payload.call_control_id);
  const input: HandleIncomingCallInput = {
    callControlId: payload.call_control_id,
    callLegId: payload.call_leg_id ?? null,
    callSessionId: payload.call_session_id ?? null,
    from: payload.from ?? '',
    to: payload.to,
    startedAt: payload.start_time ?? event.occurred_at,
    maxDurationMs: config.CALL_MAX_DURATION_MS,
    webhookTimeoutMs: config.CALL_WEBHOOK_TIMEOUT_MS,
  };
  try {
    await temporal.workflow.start<typeof handleIncomingCall>('handleIncomingCall', {
      workflowId,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Incoming call from ${payload.from || 'an unknown caller'} to ${payload.to}`,
      typedSearchAttributes: [{ key: searchAttributes.phoneNumber, value: payload.to }],
    });
  } catch (error) {
    // The call's workflow ran and closed: this is a late redelivery of an ended call.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { ignored: 'the call has ended' };
    throw error;
  }
  return { workflowId };
}

async function signal(
  { temporal }: CallEventDeps,
  callControlIdValue: string,
  send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>,
): Promise<CallEventResult> {
  const workflowId = workflowIds.call(callControlIdValue);
  try {
    await send(temporal.workflow.getHandle(workflowId));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { ignored: 'no running workflow for the call' };
    throw error;
  }
  return { workflowId };
}
