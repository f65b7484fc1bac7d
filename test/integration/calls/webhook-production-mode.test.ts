import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callDecisionReasons } from '../../../domain/calls.js';
import { startCallStack, type CallStack } from '../../support/call-stack.js';
import { createTestResolver } from '../../support/test-resolver.js';

/**
 * A webhook URL stored while the API ran in development mode (ALLOW_PRIVATE_CALLBACK_URLS=true) is
 * refused at call time by a worker in production mode: the SSRF guard runs when the call rings, on the
 * address the name resolves to then. The customer is never contacted; the call is rejected.
 */

let stack: CallStack;

beforeAll(async () => {
  stack = await startCallStack({
    workerConfig: { ALLOW_PRIVATE_CALLBACK_URLS: false },
    resolveHost: createTestResolver({ 'hooks.customer.example': ['127.0.0.1'], 'mixed.customer.example': ['93.184.215.14', '127.0.0.1'] }),
  });
});
afterAll(async () => {
  await stack?.close();
});

describe('a worker in production mode', () => {
  test.each([
    ['a loopback IP literal', '127.0.0.1', '/literal'],
    ['localhost', 'localhost', '/localhost'],
    ['a name the resolver answers with 127.0.0.1', 'hooks.customer.example', '/resolved'],
    ['a name with a public and a loopback address', 'mixed.customer.example', '/mixed'],
  ])('when the webhook URL host is %s, then the customer is not called and the call is rejected as failed', async (_name, host, path) => {
    const url = stack.customers.answerOn(path, { body: { action: 'answer' } }, host);
    const org = await stack.organizationWithWebhook(url);

    const { call, row } = await stack.ended((await stack.ring(org.number.number)).call_control_id);

    expect(stack.customers.receivedOn(path)).toHaveLength(0);
    expect(call.commands.map((command) => command.action)).toEqual(['reject']);
    expect(row).toMatchObject({ status: 'failed', hangup_reason: 'rejected', decision_reason: callDecisionReasons.webhookAddressRefused });
  });
});
