import { afterAll, beforeAll, expect, test } from 'vitest';
import { callDecisionReasons, endedCallStatuses } from '../../../domain/calls.js';
import { searchAttributes } from '../../../domain/search-attributes.js';
import { startCallStack, type CallStack } from '../../support/call-stack.js';
import { waitFor } from '../../support/workflow-harness.js';

/**
 * 50 calls at once to the numbers of 5 organizations, each with an `auto_accept` and an `auto_reject`
 * number: every call is decided as its number says, every row settles, and each organization sees
 * exactly its own calls. Figures are printed, never asserted.
 */

let stack: CallStack;

const organizations = 5;
const callsPerNumber = 5;

beforeAll(async () => {
  stack = await startCallStack();
});
afterAll(async () => {
  await stack?.close();
});

/** An organization whose `accept` number answers (streaming to the media server) and whose `reject` number rejects. */
async function organizationWithBothActions(index: number) {
  const org = await stack.organizationWithNumber({}, ['accept', 'reject']);
  const [accept, reject] = org.numbers as [(typeof org.numbers)[0], (typeof org.numbers)[0]];
  const patched = await org.call('PATCH', `/api/v1/phone/numbers/${accept.id}`, {
    body: { incoming_call_action: 'auto_accept', client_websocket_url: `${stack.media.url}/org-${index}` },
  });
  expect(patched.status).toBe(200);
  return { ...org, accept, reject };
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;

test('when 50 calls ring at once across organizations, then every call is decided by its number, every row settles, and no organization sees another\'s calls', async () => {
  const orgs = await Promise.all(Array.from({ length: organizations }, (_, index) => organizationWithBothActions(index)));
  const plan = orgs.flatMap((org) =>
    [org.accept, org.reject].flatMap((number) =>
      Array.from({ length: callsPerNumber }, () => ({ org, number, accepts: number === org.accept })),
    ),
  );
  expect(plan).toHaveLength(50);

  const started = Date.now();
  const calls = await Promise.all(plan.map(async (planned) => ({ ...planned, callControlId: (await stack.ring(planned.number.number)).call_control_id })));
  const ids = new Set(calls.map((call) => call.callControlId));
  const decided = await waitFor(async () => {
    const all = (await stack.api.control.calls()).filter((call) => ids.has(call.call_control_id));
    return all.every((call) => call.commands.length > 0) ? all : undefined;
  }, 'every call to get its command', 180_000);
  const allDecidedMs = Date.now() - started;
  const answered = calls.filter((call) => call.accepts);
  await waitFor(async () => {
    const rows = await stack.api.db.selectFrom('calls').select('status').where('call_control_id', 'in', answered.map((call) => call.callControlId)).execute();
    return rows.length === answered.length && rows.every((row) => row.status === 'answered');
  }, 'every answered call to be recorded', 180_000);
  await Promise.all(answered.map((call) => stack.callerHangsUp(call.callControlId)));
  const rows = await waitFor(async () => {
    const all = await stack.api.db.selectFrom('calls').selectAll().where('call_control_id', 'in', [...ids]).execute();
    return all.length === calls.length && all.every((row) => (endedCallStatuses as readonly string[]).includes(row.status)) ? all : undefined;
  }, 'every row to settle', 180_000);
  const allSettledMs = Date.now() - started;

  const byCall = new Map(decided.map((call) => [call.call_control_id, call]));
  const rowOf = new Map(rows.map((row) => [row.call_control_id, row]));
  for (const call of calls) {
    const sandbox = byCall.get(call.callControlId)!;
    const row = rowOf.get(call.callControlId)!;
    expect(row).toMatchObject({ organization_id: call.org.organizationId, phone_number_id: call.number.id, local_phone_number: call.number.number });
    if (call.accepts) {
      expect(sandbox.commands.map((command) => [command.action, command.outcome])).toEqual([['answer', 'applied']]);
      expect(row).toMatchObject({ status: 'completed', hangup_reason: 'remote', decision_reason: callDecisionReasons.autoAccept });
    } else {
      expect(sandbox.commands.map((command) => [command.action, command.outcome])).toEqual([['reject', 'applied']]);
      expect(row).toMatchObject({ status: 'canceled', hangup_reason: 'rejected', decision_reason: callDecisionReasons.autoReject });
    }
  }

  for (const org of orgs) {
    const own = calls.filter((call) => call.org === org).map((call) => rowOf.get(call.callControlId)!.id);
    const listed = await org.call('GET', '/api/v1/phone/calls?limit=200');
    expect(listed.status).toBe(200);
    expect(listed.body.map((call: { id: string }) => call.id).sort()).toEqual([...own].sort());
    const foreign = rows.find((row) => row.organization_id !== org.organizationId)!;
    expect((await org.call('GET', `/api/v1/phone/calls/${foreign.id}`)).status).toBe(404);
    const executions = await waitFor(async () => {
      const { count } = await stack.api.temporal.workflow.count(`WorkflowType = 'handleIncomingCall' AND ${searchAttributes.organizationId.name} = '${org.organizationId}'`);
      return count === own.length ? count : undefined;
    }, 'the organization\'s call workflows to be listed');
    expect(executions).toBe(10);
  }

  const decisionMs = decided.map((call) => Date.parse(call.commands[0]!.received_at) - Date.parse(call.start_time));
  console.log(
    `50 concurrent calls: all decided in ${allDecidedMs} ms, all settled in ${allSettledMs} ms; ` +
      `ring → command p50 ${percentile(decisionMs, 50)} ms, p99 ${percentile(decisionMs, 99)} ms, max ${Math.max(...decisionMs)} ms`,
  );
}, 600_000);
