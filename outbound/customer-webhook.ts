import { callDecisionReasons, type CallDecisionReason, type CustomerWebhookOutcome } from '../domain/calls.js';
import { createCallbackUrlGuard, createHostGuard, systemResolver, type HostResolver } from './callback-url-guard.js';
import { parseCustomerCallDecision } from './customer-call-decision.js';
import { postToPinnedAddress } from './pinned-post.js';

/** The most of a webhook's answer that is read; a call decision is a few dozen bytes. */
export const maxCustomerWebhookResponseBytes = 64 * 1024;

export interface CustomerWebhookClientOptions {
  /** ALLOW_PRIVATE_CALLBACK_URLS of the process that calls: checked at call time, whatever was allowed when the URL was stored. */
  allowPrivate: boolean;
  /** CALL_WEBHOOK_TIMEOUT_MS: everything (resolution, connection, the answer) within it. */
  timeoutMs: number;
  resolveHost?: HostResolver;
  maxResponseBytes?: number;
  /** Tests only (no config key sets it): a CA to trust in place of the system's, for a receiver with its own certificate. */
  ca?: string | Buffer;
}

/** One signed delivery: the exact body and its headers. */
export interface CustomerWebhookDelivery {
  url: string;
  body: string;
  headers: Record<string, string>;
}

const failure = (reason: CallDecisionReason, detail: string): CustomerWebhookOutcome => ({ ok: false, reason, detail });

/**
 * Calls a customer's incoming-call webhook safely: the host is resolved once and every address checked
 * by the SSRF guard in this process's mode; the POST connects to the first approved address (no second
 * lookup); redirects are not followed; the answer is read up to `maxResponseBytes`; an answer's
 * `client_websocket_url` must be wss:// and pass the guard too. Never rejects: every failure is an outcome
 * (`webhook_*`) with a `detail` for operators, and the call fails closed.
 */
export function createCustomerWebhookClient(options: CustomerWebhookClientOptions) {
  const { allowPrivate, timeoutMs, resolveHost = systemResolver, maxResponseBytes = maxCustomerWebhookResponseBytes, ca } = options;
  const guardOptions = { allowPrivate, resolveHost, resolveTimeoutMs: timeoutMs };
  const approveHost = createHostGuard(guardOptions);
  const checkStreamUrl = createCallbackUrlGuard(guardOptions);

  async function deliver(delivery: CustomerWebhookDelivery, signal: AbortSignal, progress: { stage: string }): Promise<CustomerWebhookOutcome> {
    let url: URL;
    try {
      url = new URL(delivery.url);
    } catch {
      return failure(callDecisionReasons.webhookUnreachable, `the webhook URL does not parse: ${JSON.stringify(delivery.url)}`);
    }
    if (url.protocol !== 'https:') return failure(callDecisionReasons.webhookAddressRefused, `only https:// webhook URLs are called, not ${url.protocol}`);

    progress.stage = `resolving ${url.hostname}`;
    const approval = await approveHost(url.hostname);
    if ('refusal' in approval) {
      const reason = approval.refusal.type === 'url_host_unresolvable' ? callDecisionReasons.webhookUnreachable : callDecisionReasons.webhookAddressRefused;
      return failure(reason, approval.refusal.msg);
    }
    const [address] = approval.addresses;
    if (address === undefined) return failure(callDecisionReasons.webhookUnreachable, `Host "${url.hostname}" does not resolve to any address`);

    const where = `${url.host} at ${address}`;
    progress.stage = `waiting for ${where}`;
    const result = await postToPinnedAddress({ url, address, body: delivery.body, headers: delivery.headers, maxResponseBytes, signal, ...(ca ? { ca } : {}) });
    switch (result.kind) {
      case 'failed':
        return failure(callDecisionReasons.webhookUnreachable, `POST to ${where} failed: ${result.message}`);
      case 'not_2xx':
        return result.status >= 300 && result.status < 400
          ? failure(callDecisionReasons.webhookRedirect, `${where} answered ${result.status} to ${result.location ?? '(no Location)'}; redirects are not followed`)
          : failure(callDecisionReasons.webhookNon2xx, `${where} answered ${result.status}`);
      case 'too_large':
        return failure(callDecisionReasons.webhookBadBody, `${where} answered ${result.status} with a body over ${maxResponseBytes} bytes`);
      case 'body':
        break;
    }

    const parsed = parseCustomerCallDecision(result.body.toString('utf8'));
    if ('problem' in parsed) return failure(callDecisionReasons.webhookBadBody, `${where} answered ${result.status}: ${parsed.problem}`);
    const streamUrl = parsed.decision.action === 'answer' ? parsed.decision.clientWebsocketUrl : null;
    if (streamUrl !== null) {
      progress.stage = 'checking the answer\'s client_websocket_url';
      const refusal = await checkStreamUrl(streamUrl);
      if (refusal) return failure(callDecisionReasons.webhookBadBody, `${where} answered with a client_websocket_url the SSRF guard refuses: ${refusal.msg}`);
    }
    return { ok: true, decision: parsed.decision };
  }

  return async function callCustomerWebhook(delivery: CustomerWebhookDelivery): Promise<CustomerWebhookOutcome> {
    const abort = new AbortController();
    const progress = { stage: 'starting' };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<CustomerWebhookOutcome>((resolve) => {
      timer = setTimeout(() => resolve(failure(callDecisionReasons.webhookTimeout, `no answer within ${timeoutMs} ms (${progress.stage})`)), timeoutMs);
    });
    try {
      return await Promise.race([deliver(delivery, abort.signal, progress), timedOut]);
    } catch (error) {
      return failure(callDecisionReasons.webhookUnreachable, `the webhook could not be called: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  };
}

export type CustomerWebhookClient = ReturnType<typeof createCustomerWebhookClient>;
