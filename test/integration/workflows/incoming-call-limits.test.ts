import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { workflowIds } from '../../../domain/workflow-contract.js';
import { startCallStack, type CallStack } from '../../support/call-stack.js';
import { createTestResolver } from '../../support/test-resolver.js';

/**
 * Limits a call workflow applies at call time: a worker in production mode (ALLOW_PRIVATE_CALLBACK_URLS
 * false) refuses a stream URL that development mode let the API store, and a call past
 * CALL_MAX_DURATION_MS (2 s here, from the route's config) is hung up.
 */

let stack: CallStack;

beforeAll(async () => {
  stack = await startCallStack({
    config: { CALL_MAX_DURATION_MS: '2000' },
    workerConfig: { ALLOW_PRIVATE_CALLBACK_URLS: false },
    // stack.media.example answers with a public address, so the production-mode guard lets it through.
    resolveHost: createTestResolver(),
  });
});
afterAll(async () => {
  await stack?.close();
});

describe('limits at call time', () => {
  test('when a number stored in development mode streams to loopback and a production-mode worker takes the call, then it is rejected: failed + rejected', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: 'wss://127.0.0.1:9/media' });

    const { call, row } = await stack.ended((await stack.ring(org.number.number)).call_control_id);

    expect(call.commands.map((command) => [command.action, command.outcome])).toEqual([['reject', 'applied']]);
    expect(row).toMatchObject({ status: 'failed', hangup_reason: 'rejected', decision_reason: 'stream_url_refused', started_at: null });
  });

  test('when an answered call outlasts CALL_MAX_DURATION_MS, then the workflow hangs it up and the row completes with max_duration', async () => {
    const org = await stack.organizationWithNumber({ incoming_call_action: 'auto_accept', client_websocket_url: 'wss://stack.media.example/stream' });

    const { call_control_id: callControlId } = await stack.ring(org.number.number);
    const answered = await stack.answeredRow(callControlId);
    const call = await stack.sandboxCallWhen(callControlId, (each) => each.state === 'hangup', 'the workflow to hang up', 30_000);
    const row = await stack.settledRow(callControlId);

    expect(call.commands.map((command) => [command.action, command.command_id, command.outcome])).toEqual([
      ['answer', `${workflowIds.call(callControlId)}/answer`, 'applied'],
      ['hangup', `${workflowIds.call(callControlId)}/hangup`, 'applied'],
    ]);
    expect(call).toMatchObject({ hangup_source: 'callee' });
    expect(row).toMatchObject({ status: 'completed', hangup_reason: 'max_duration', decision_reason: 'auto_accept', started_at: answered.started_at });
  });
});
