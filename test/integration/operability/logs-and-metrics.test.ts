import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { installTemporalRuntime } from '../../../worker/temporal-runtime.js';
import { freePort } from '../../../sandbox/free-port.js';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { waitFor } from '../../support/workflow-harness.js';
import { parsePrometheusText, sampleValue } from '../../support/prometheus-text.js';

type LogLine = Record<string, unknown> & { msg?: string; req?: { id?: string } };

/** Every JSON line the API and the worker (through the Temporal runtime) wrote, in order. */
const lines: LogLine[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
let workerMetricsUrl: string;
let h: ApiHarness;

beforeAll(async () => {
  // Before the harness's worker connects: the runtime is per process and must be installed first.
  const port = await freePort();
  installTemporalRuntime({ logger, metricsAddress: `127.0.0.1:${port}` });
  workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
  h = await startApiHarness({ logger });
});
afterAll(async () => {
  await h?.close();
});

/** Provisions a toll-free number through the API; resolves the response with the workflow's id and run id. */
async function provisionThroughApi(org: Awaited<ReturnType<ApiHarness['newOrganization']>>, headers: Record<string, string> = {}) {
  const response = await org.call('POST', '/api/v1/phone/numbers', { body: { agent_handle: 'agent' }, headers });
  expect(response.status).toBe(201);
  const row = await h.db.selectFrom('phone_numbers').select('workflow_id').where('id', '=', response.body.id).executeTakeFirstOrThrow();
  const handle = h.temporal.workflow.getHandle(row.workflow_id!);
  const { runId } = await handle.describe();
  return { response, workflowId: row.workflow_id!, runId, handle };
}

async function scrape(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return parsePrometheusText(await response.text());
}

describe('logs', () => {
  test('when a number is provisioned through the API, then the request line carries the request id, organization and workflow id, and no API key', async () => {
    const org = await h.newOrganization();
    const requestId = `logs-${randomUUID()}`;

    const { workflowId } = await provisionThroughApi(org, { 'x-request-id': requestId });

    const requestLine = lines.find((line) => line.req?.id === requestId && line.msg === 'request completed');
    expect(requestLine).toMatchObject({ req: { id: requestId }, organizationId: org.organizationId, workflowId, res: { statusCode: 201 } });
    expect(workflowId).toMatch(new RegExp(`^provision/${org.organizationId}/`));
    expect(JSON.stringify(lines)).not.toContain(org.apiKey);
  });

  test('when an authenticated request is refused, then its request line carries the request id and organization, and no workflow id', async () => {
    const org = await h.newOrganization();
    const requestId = `logs-${randomUUID()}`;

    const response = await org.call('GET', `/api/v1/phone/numbers/${randomUUID()}`, { headers: { 'x-request-id': requestId } });

    expect(response.status).toBe(404);
    const requestLine = lines.find((line) => line.req?.id === requestId && line.msg === 'request completed');
    expect(requestLine).toMatchObject({ level: 40, organizationId: org.organizationId });
    expect(requestLine).not.toHaveProperty('workflowId');
  });

  test('when provisioning fails in its workflow, then the request line and the workflow lines carry the same workflow id', async () => {
    const org = await h.newOrganization();
    const requestId = `logs-${randomUUID()}`;
    const workflowId = `provision/${org.organizationId}/logs-no-numbers`;

    const response = await org.call('POST', '/numbers', {
      body: { agent_handle: 'agent', type: 'local', state: 'CA' },
      headers: { 'x-request-id': requestId, 'idempotency-key': 'logs-no-numbers' },
    });

    expect([response.status, response.body.error]).toEqual([404, 'no_numbers_available']);
    const requestLine = lines.find((line) => line.req?.id === requestId && line.msg === 'request completed');
    expect(requestLine).toMatchObject({ organizationId: org.organizationId, workflowId });
    const { runId } = await h.temporal.workflow.getHandle(workflowId).describe();
    await waitFor(async () => lines.some((line) => line.workflowId === workflowId && line.runId === runId), 'a worker line of that workflow');
  });

  test('when a provisioning runs on the worker, then its workflow and activity lines reach the same logger with workflowId and runId', async () => {
    const org = await h.newOrganization();

    const { workflowId, runId } = await provisionThroughApi(org);

    const ofRun = (component: string) =>
      lines.filter((line) => line.workflowId === workflowId && line.runId === runId && line.sdkComponent === component);
    // Workflow lines (sdkComponent worker, from inside the workflow sandbox) and activity lines.
    await waitFor(async () => ofRun('worker').some((line) => line.msg === 'Workflow completed'), 'the workflow completed line');
    expect(ofRun('worker').map((line) => line.msg)).toContain('Workflow started');
    const activityLines = lines.filter((line) => line.workflowId === workflowId && line.runId === runId && line.activityType !== undefined);
    expect(activityLines.map((line) => line.activityType)).toEqual(expect.arrayContaining(['reserveNumber', 'placeOrder', 'registerNumber']));
    expect(activityLines.every((line) => line.workflowRunId === runId && line.taskToken === undefined)).toBe(true);
  });
});

describe('metrics', () => {
  test('when requests are answered, then /metrics counts them by method, route pattern and status, and provisioning by outcome', async () => {
    const org = await h.newOrganization();
    const before = await scrape(`${h.url}/metrics`);
    const missingId = randomUUID();

    await org.call('GET', '/api/v1/phone/numbers');
    await org.call('GET', '/api/v1/phone/numbers/');
    await org.call('GET', `/api/v1/phone/numbers/${missingId}`);
    await org.call('POST', '/numbers', { body: { agent_handle: 'nobody' } });
    await org.call('POST', '/numbers', { body: { agent_handle: 'agent', type: 'fax' } });
    await provisionThroughApi(org);
    const after = await scrape(`${h.url}/metrics`);

    const delta = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('http_requests_total', { method: 'GET', route: '/api/v1/phone/numbers', status: '200' })).toBe(2);
    expect(delta('http_requests_total', { method: 'GET', route: '/api/v1/phone/numbers/:id', status: '404' })).toBe(1);
    expect(delta('http_requests_total', { method: 'POST', route: '/numbers', status: '404' })).toBe(1);
    expect(delta('http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/phone/numbers', status: '200' })).toBe(2);
    expect(delta('phone_number_provisioning_outcomes_total', { outcome: '201' })).toBe(1);
    expect(delta('phone_number_provisioning_outcomes_total', { outcome: 'identity_not_found' })).toBe(1);
    expect(delta('phone_number_provisioning_outcomes_total', { outcome: 'validation_error' })).toBe(1);
    const routes = after.filter((sample) => sample.name === 'http_requests_total').map((sample) => sample.labels.route);
    expect(routes.some((route) => route?.includes(missingId))).toBe(false);
  });

  test('when the worker has run workflows, then its Prometheus endpoint serves the Temporal runtime metrics of its task queue', async () => {
    const org = await h.newOrganization();
    await provisionThroughApi(org);

    const samples = await waitFor(async () => {
      const scraped = await scrape(workerMetricsUrl);
      return scraped.some((sample) => sample.name.startsWith('temporal_workflow_completed') && sample.labels.task_queue === h.config.TEMPORAL_TASK_QUEUE)
        ? scraped
        : undefined;
    }, 'temporal_workflow_completed for this task queue');

    const names = new Set(samples.map((sample) => sample.name));
    expect([...names].every((name) => name.startsWith('temporal_'))).toBe(true);
    expect([...names].some((name) => name.startsWith('temporal_activity_execution_latency'))).toBe(true);
  });
});

describe('Temporal UI metadata', () => {
  test('when the API starts provisioning and release, then describe() shows their static summary and details, and each activity its summary', async () => {
    const org = await h.newOrganization();
    const { handle, response } = await provisionThroughApi(org);

    const provisioning = await handle.describe();
    expect(await provisioning.staticSummary()).toBe(`Provision a toll-free number for @agent (org ${org.organizationId})`);
    expect(await provisioning.staticDetails()).toContain(`**Phone number id:** ${response.body.id}`);
    const history = await handle.fetchHistory();
    const activitySummaries = (history.events ?? [])
      // Remote activities carry it on ActivityTaskScheduled, local ones (the row writes) on their marker.
      .filter((event) => event.activityTaskScheduledEventAttributes || event.markerRecordedEventAttributes?.markerName === 'core_local_activity')
      .map((event) => (event.userMetadata?.summary ? defaultPayloadConverter.fromPayload<string>(event.userMetadata.summary) : null));
    expect(activitySummaries).toEqual(expect.arrayContaining(['Reserve a number slot for @agent', `Order ${response.body.number}`, `Register ${response.body.number} as active`]));
    expect(activitySummaries).not.toContain(null);

    expect((await org.call('DELETE', `/api/v1/phone/numbers/${response.body.id}`)).status).toBe(204);
    const release = await h.temporal.workflow.getHandle(`release/${response.body.id}`).describe();
    expect(await release.staticSummary()).toBe(`Release ${response.body.number} (org ${org.organizationId})`);
  });
});
