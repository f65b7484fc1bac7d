import { log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Carrier, CallCommandResult } from '../carrier/carrier.js';
import type { Config } from '../config/config.js';
import { callStreamContext, ruleDecisionOf, type CallDecisionReason, type CallStatus, type CallStreamContext, type IncomingCallInput } from '../domain/calls.js';
import type { IncomingCallAction, PhoneNumberStatus } from '../domain/phone-number.js';
import { findCall, insertOrFindCall, updateLiveCall } from '../db/repositories/calls.js';
import { findLiveNumberByE164 } from '../db/repositories/phone-numbers.js';
import type { CallUpdate, Database } from '../db/schema.js';
import { createCallbackUrlGuard, systemResolver, type HostResolver } from '../outbound/callback-url-guard.js';
import { carrierCall } from './carrier-failure.js';

export interface CallActivityDeps {
  db: Kysely<Database>;
  carrier: Carrier;
  config: Pick<Config, 'ALLOW_PRIVATE_CALLBACK_URLS'>;
  /** Resolves stream URL hosts for the SSRF guard; defaults to the system resolver. */
  resolveHost?: HostResolver;
}

/** What `handleIncomingCall` learns about the called number: no customer secret (webhook URL, signing key) leaves the database. */
export type IncomingCallTarget =
  | { known: false }
  | {
      known: true;
      callId: string;
      /** The row's status now: ended when a run after retention found the call already settled. */
      callStatus: CallStatus;
      /** The row's decision reason now: set when an earlier run (or workflow task) already decided the call. */
      decisionReason: CallDecisionReason | null;
      organizationId: string;
      phoneNumberId: string;
      agentHandle: string | null;
      action: IncomingCallAction;
      numberStatus: PhoneNumberStatus;
      /** The number's own `client_websocket_url`. */
      clientWebsocketUrl: string | null;
      /** The rule's command (`auto_accept`, `auto_reject`, `paused`), when the lookup was asked to send it and it went through. */
      ruleCommand: RuleCommand | null;
    };

/** A command the lookup sent for its number's rule, and what came of it. */
export type RuleCommand = { kind: 'answer'; result: CallCommandResult | 'stream_url_refused' } | { kind: 'reject'; result: CallCommandResult };

export type { CallStreamContext };

/** The command id of one command of one call workflow: a retried activity sends the same id, which Telnyx ignores. */
const commandId = (workflowId: string, command: string) => `${workflowId}/${command}`;

/** Call row fields the workflow writes; timestamps travel as ISO strings. */
export type CallProgressChange = Omit<CallUpdate, 'id' | 'updated_at' | 'started_at' | 'ended_at'> & {
  started_at?: string;
  ended_at?: string;
};

export function createCallActivities({ db, carrier, config, resolveHost = systemResolver }: CallActivityDeps) {
  /** The SSRF guard for stream URLs, in this worker's mode: built once, not per answered call. */
  const checkStreamUrl = createCallbackUrlGuard({ allowPrivate: config.ALLOW_PRIVATE_CALLBACK_URLS, resolveHost });

  /**
   * Answers with media streaming to `streamUrl` once the SSRF guard (in this worker's mode) approves
   * it: `stream_url_refused` when it does not, and nothing is sent to the carrier.
   */
  async function answerIncomingCall(input: {
    workflowId: string;
    callControlId: string;
    streamUrl: string;
    context: CallStreamContext;
  }): Promise<CallCommandResult | 'stream_url_refused'> {
    const refusal = await checkStreamUrl(input.streamUrl);
    if (refusal || !/^wss?:\/\//i.test(input.streamUrl)) {
      log.warn('stream URL refused; the call is rejected', { callId: input.context.call_id, reason: refusal?.msg ?? 'not a ws(s) URL' });
      return 'stream_url_refused';
    }
    const clientState = Buffer.from(JSON.stringify(input.context)).toString('base64');
    return carrierCall((options) =>
      carrier.answerCall(input.callControlId, { streamUrl: input.streamUrl, clientState, commandId: commandId(input.workflowId, 'answer') }, options),
    );
  }

  async function rejectIncomingCall(input: { workflowId: string; callControlId: string }): Promise<CallCommandResult> {
    return carrierCall((options) =>
      carrier.rejectCall(input.callControlId, { cause: 'CALL_REJECTED', commandId: commandId(input.workflowId, 'reject') }, options),
    );
  }

  /**
   * The number's rule's command, sent from the lookup: the workflow then needs no second local activity
   * (and activation) before the command. Null when there is none to send (`webhook`, no stream URL) or it
   * failed: the workflow sends it again as its own local activity, with that activity's retries.
   */
  async function sendRuleCommand(
    input: IncomingCallInput & { workflowId: string },
    target: { callId: string; agentHandle: string | null; numberStatus: PhoneNumberStatus; action: IncomingCallAction; clientWebsocketUrl: string | null },
  ): Promise<RuleCommand | null> {
    const rule = ruleDecisionOf(target.numberStatus, target.action);
    const call = { workflowId: input.workflowId, callControlId: input.callControlId };
    try {
      if (rule?.kind === 'reject') return { kind: 'reject', result: await rejectIncomingCall(call) };
      if (rule?.kind === 'answer' && target.clientWebsocketUrl) {
        const context = callStreamContext(target.callId, input, target.agentHandle);
        return { kind: 'answer', result: await answerIncomingCall({ ...call, streamUrl: target.clientWebsocketUrl, context }) };
      }
    } catch (error) {
      log.warn('the first command failed; the workflow sends it again', { callId: target.callId, error: error instanceof Error ? error.message : String(error) });
    }
    return null;
  }

  return {
    /**
     * Finds the active or paused number called (`to`) and inserts the call's row as `ringing`, or finds
     * the row an earlier attempt (or a run after retention) inserted. Unknown, released and still
     * provisioning numbers get no row.
     */
    async beginIncomingCall(input: IncomingCallInput & { workflowId: string; sendRuleCommand?: boolean }): Promise<IncomingCallTarget> {
      const number = await findLiveNumberByE164(db, input.to);
      if (!number || number.status === 'provisioning') return { known: false };
      // The identity's handle and the insert do not depend on each other: one round trip less before the command.
      const [identity, row] = await Promise.all([
        number.agent_identity_id
          ? db.selectFrom('identities').select('agent_handle').where('id', '=', number.agent_identity_id).executeTakeFirst()
          : undefined,
        insertOrFindCall(db, {
          organization_id: number.organization_id,
          phone_number_id: number.id,
          agent_identity_id: number.agent_identity_id,
          call_control_id: input.callControlId,
          workflow_id: input.workflowId,
          local_phone_number: input.to,
          remote_phone_number: input.from,
          status: 'ringing',
          incoming_call_action: number.incoming_call_action,
          client_websocket_url: null,
        }),
      ]);
      const target = {
        callId: row.id,
        agentHandle: identity?.agent_handle ?? null,
        action: row.incoming_call_action,
        numberStatus: number.status,
        clientWebsocketUrl: number.client_websocket_url,
      };
      const ruleCommand = input.sendRuleCommand && row.status === 'ringing' ? await sendRuleCommand(input, target) : null;
      return {
        known: true,
        ...target,
        callStatus: row.status,
        decisionReason: row.decision_reason,
        organizationId: row.organization_id,
        phoneNumberId: row.phone_number_id,
        ruleCommand,
      };
    },

    answerIncomingCall,
    rejectIncomingCall,

    async hangUpCall(input: { workflowId: string; callControlId: string }): Promise<CallCommandResult> {
      return carrierCall((options) => carrier.hangupCall(input.callControlId, { commandId: commandId(input.workflowId, 'hangup') }, options));
    },

    /** Writes the change to a call that has not ended; resolves the status the row now has (an ended row is left as it was). */
    async recordCallProgress(callId: string, change: CallProgressChange): Promise<CallStatus | null> {
      const { started_at: startedAt, ended_at: endedAt, ...fields } = change;
      const row = await updateLiveCall(db, callId, {
        ...fields,
        ...(startedAt === undefined ? {} : { started_at: new Date(startedAt) }),
        ...(endedAt === undefined ? {} : { ended_at: new Date(endedAt) }),
      });
      return (row ?? (await findCall(db, callId)))?.status ?? null;
    },
  };
}
