import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PhoneNumberUpdate } from '../../../db/schema.js';
import { installTemporalRuntime } from '../../../worker/temporal-runtime.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { claimOfKey, forgetWorkflowOfKey } from '../../support/retained-keys.js';
import { waitFor } from '../../support/workflow-harness.js';

type LogLine = Record<string, unknown> & { msg?: string };

/** Every JSON line the API and the worker (through the Temporal runtime) wrote. */
const lines: LogLine[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
let h: ApiHarness;

beforeAll(async () => {
  // Before the harness's worker connects: the runtime is per process, and it carries the activities' logs.
  installTemporalRuntime({ logger });
  h = await startApiHarness({ logger });
});
afterAll(async () => {
  await h?.close();
});

type Org = Awaited<ReturnType<ApiHarness['newOrganization']>>;

/** The row the API reserved under an Idempotency-Key. */
async function rowOfKey(org: Org, key: string) {
  const { phone_number_id } = await claimOfKey(h.db, org.organizationId, key);
  return h.db.selectFrom('phone_numbers').selectAll().where('id', '=', phone_number_id).executeTakeFirstOrThrow();
}

/** Leaves the key as Temporal's retention would, with the row changed by `row` first. */
const forgetWorkflow = (org: Org, key: string, row: PhoneNumberUpdate = {}) => forgetWorkflowOfKey(h.db, org.organizationId, key, row);

/** A provisioning the carrier refuses at the order with its own words (422, code 10015, "Invalid request."). */
async function provisionRefusedByCarrier(key: string) {
  const org = await h.newOrganization();
  await h.control.addFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'error', status: 422 }, times: 1 });
  const request = { body: { agent_handle: 'agent' }, headers: { 'idempotency-key': key } };
  const first = await org.call('POST', '/numbers', request);
  return { org, request, first, row: await rowOfKey(org, key) };
}

describe('what a customer is told about a failed provisioning', () => {
  test('when the carrier refuses the order with its own text, then POST and GET show the fixed sentence, and the raw text is only on the row and in the worker log', async () => {
    const { org, first, row } = await provisionRefusedByCarrier('carrier-text');

    const shown = await org.call('GET', `/numbers/${row.id}`);
    const listed = await org.call('GET', '/numbers?status=failed');

    expect([first.status, first.body]).toEqual([502, { error: 'carrier_provisioning_failed', detail: 'Telnyx provisioning failed', workflow_id: row.workflow_id }]);
    expect(row).toMatchObject({ status: 'failed', failure_type: 'carrier_provisioning_failed', failure_reason: expect.stringContaining('Telnyx order create answered 422 (10015): Invalid request.') });
    expect(shown.body).toMatchObject({ status: 'failed', provisioning: { step: 'failed', workflow_id: row.workflow_id, error: 'Telnyx provisioning failed' } });
    expect(listed.body.find((number: { id: string }) => number.id === row.id)?.provisioning.error).toBe('Telnyx provisioning failed');
    for (const body of [first.body, shown.body, listed.body]) {
      expect(JSON.stringify(body)).not.toContain('10015');
      expect(JSON.stringify(body)).not.toContain('Invalid request');
    }
    const logged = await waitFor(async () => lines.find((line) => line.msg === 'provisioning failed' && line.phoneNumberId === row.id), 'the worker line');
    expect(logged).toMatchObject({ failureType: 'carrier_provisioning_failed', reason: row.failure_reason, workflowId: row.workflow_id });
  });

  test('when a row failed before the type was stored and its reason names a constraint, then GET shows the fixed sentence, not the constraint', async () => {
    const org = await h.newOrganization();
    const accepted = await org.call('POST', '/numbers', { body: { agent_handle: 'agent' }, headers: { 'idempotency-key': 'legacy-constraint' } });
    expect(accepted.status).toBe(201);
    const legacy: PhoneNumberUpdate = {
      status: 'failed',
      provisioning_step: 'failed',
      failure_type: null,
      failure_reason: 'Provisioning failed while awaiting completion: The database refused the write (phone_numbers_live_number_key)',
    };
    await h.db.updateTable('phone_numbers').set(legacy).where('id', '=', accepted.body.id).execute();

    const shown = await org.call('GET', `/numbers/${accepted.body.id}`);

    expect(shown.body.provisioning.error).toBe('Telnyx provisioning failed');
    expect(JSON.stringify(shown.body)).not.toContain('phone_numbers_live_number_key');
  });
});

describe('a retried Idempotency-Key after retention is answered by the failure type', () => {
  test('when the carrier had refused the order, then the retry answers the same 502 with the fixed sentence', async () => {
    const { org, request, first } = await provisionRefusedByCarrier('carrier-text-retained');
    const { workflowId } = await forgetWorkflow(org, 'carrier-text-retained');

    const retry = await org.call('POST', '/numbers', request);

    expect([retry.status, retry.body]).toEqual([502, { ...first.body, workflow_id: workflowId }]);
  });

  test('when the stored type and the reason wording disagree, then the retry answers by the type', async () => {
    const { org, request } = await provisionRefusedByCarrier('type-over-wording');
    // The reason reads like a search that found nothing; the type says a release cancelled it.
    const { workflowId } = await forgetWorkflow(org, 'type-over-wording', { failure_type: 'provisioning_cancelled', failure_reason: 'No local numbers available in NY' });

    const retry = await org.call('POST', '/numbers', request);

    expect([retry.status, retry.body]).toEqual([
      409,
      { error: 'number_released', detail: 'Provisioning was cancelled because the number was released', workflow_id: workflowId },
    ]);
  });

  test('when the row failed before the type was stored, then the retry answers what its reason wording says', async () => {
    const { org, request } = await provisionRefusedByCarrier('legacy-no-numbers');
    await forgetWorkflow(org, 'legacy-no-numbers', { failure_type: null, failure_reason: 'No local numbers available in NY' });

    const retry = await org.call('POST', '/numbers', request);

    expect([retry.status, retry.body]).toEqual([404, { error: 'no_numbers_available', detail: 'No available numbers matching the criteria' }]);
  });
});
