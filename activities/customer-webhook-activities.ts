import { randomUUID } from 'node:crypto';
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import { callDecisionReasons, type CustomerWebhookOutcome } from '../domain/calls.js';
import { findCall } from '../db/repositories/calls.js';
import { findLiveNumberByE164, findPhoneNumberById } from '../db/repositories/phone-numbers.js';
import { readSigningKey } from '../db/repositories/signing-keys.js';
import type { CallRow, Database } from '../db/schema.js';
import type { HostResolver } from '../outbound/callback-url-guard.js';
import { createCustomerWebhookClient } from '../outbound/customer-webhook.js';
import { signInkboxWebhook } from '../outbound/webhook-signature.js';
import { incomingCallPayload, type WebhookAgentIdentity } from './incoming-call-payload.js';

export interface CustomerWebhookActivityDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'ALLOW_PRIVATE_CALLBACK_URLS' | 'CALL_WEBHOOK_TIMEOUT_MS' | 'SIGNING_KEY_ENCRYPTION_KEY'>;
  /** Resolves webhook hosts for the SSRF guard; defaults to the system resolver. */
  resolveHost?: HostResolver;
}

const missingKey = (detail: string): CustomerWebhookOutcome => ({ ok: false, reason: callDecisionReasons.signingKeyMissing, detail });

export function createCustomerWebhookActivities({ db, config, resolveHost }: CustomerWebhookActivityDeps) {
  const callCustomerWebhook = createCustomerWebhookClient({
    allowPrivate: config.ALLOW_PRIVATE_CALLBACK_URLS,
    timeoutMs: config.CALL_WEBHOOK_TIMEOUT_MS,
    ...(resolveHost ? { resolveHost } : {}),
  });

  /** The remote party when it is a live number of an identity in the call's organization. */
  async function remoteAgentIdentities(call: CallRow): Promise<WebhookAgentIdentity[]> {
    const remote = await findLiveNumberByE164(db, call.remote_phone_number);
    if (!remote?.agent_identity_id || remote.organization_id !== call.organization_id) return [];
    const identity = await db
      .selectFrom('identities')
      .select(['id', 'agent_handle'])
      .where('id', '=', remote.agent_identity_id)
      .where('organization_id', '=', call.organization_id)
      .executeTakeFirst();
    return identity ? [{ id: identity.id, agent_handle: identity.agent_handle, display_name: null }] : [];
  }

  /** What to do about the call, signed and asked; failures become outcomes. */
  async function ask(call: CallRow): Promise<CustomerWebhookOutcome> {
    const number = await findPhoneNumberById(db, call.phone_number_id);
    const url = number?.incoming_call_webhook_url;
    if (!number || !url) return { ok: false, reason: callDecisionReasons.webhookUnreachable, detail: `number ${call.phone_number_id} has no incoming_call_webhook_url` };
    const identityId = call.agent_identity_id ?? number.agent_identity_id;
    if (!identityId) return missingKey(`number ${number.id} belongs to no identity, so there is no signing key`);
    if (!config.SIGNING_KEY_ENCRYPTION_KEY) return missingKey('SIGNING_KEY_ENCRYPTION_KEY is not set: no signing key can be read');
    let signingKey: string | undefined;
    try {
      signingKey = await readSigningKey(db, identityId, config.SIGNING_KEY_ENCRYPTION_KEY);
    } catch (error) {
      return missingKey(`identity ${identityId}'s signing key could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!signingKey) return missingKey(`identity ${identityId} has no signing key (POST /api/v1/identities/{handle}/signing-key creates one)`);

    const body = JSON.stringify(incomingCallPayload(call, number.client_websocket_url, await remoteAgentIdentities(call)));
    const signature = signInkboxWebhook({ requestId: randomUUID(), timestamp: Math.floor(Date.now() / 1000), body, signingKey });
    return callCustomerWebhook({ url, body, headers: { 'content-type': 'application/json', ...signature } });
  }

  return {
    /**
     * Signs the ringing call as Inkbox's flat incoming-call payload with the identity's key, POSTs it to
     * the number's `incoming_call_webhook_url` through the SSRF guard, and resolves the customer's
     * decision or why there is none (`webhook_*`, `signing_key_missing`: the call fails closed). It never
     * throws for what the customer's side does, so a retry never asks twice; it throws only when the
     * database cannot be read, before anything was sent.
     */
    async askCustomerWebhook({ callId }: { callId: string }): Promise<CustomerWebhookOutcome> {
      const call = await findCall(db, callId);
      if (!call) throw ApplicationFailure.nonRetryable(`call ${callId} has no row`, 'CallNotFound');
      const outcome = await ask(call);
      if (outcome.ok) log.info('customer webhook answered', { callId, action: outcome.decision.action });
      else log.warn('customer webhook gave no decision; the call fails closed', { callId, reason: outcome.reason, detail: outcome.detail });
      return outcome;
    },
  };
}
