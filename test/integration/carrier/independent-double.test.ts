import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { liveStatuses } from '../../../domain/phone-number.js';
import { freePort } from '../../../sandbox/free-port.js';
import { projectRoot, runTsCli } from '../../support/run-cli.js';
import { connectTestDatabase } from '../../support/test-database.js';
import { sleep, waitFor } from '../../support/workflow-harness.js';
import { startTelnyxDouble, type TelnyxDouble } from '../../telnyx-double/server.js';

/**
 * The whole stack as it runs in production (the compiled `npm run api` and `npm run worker`, a Temporal dev
 * server, PostgreSQL) with a real-looking TELNYX_API_KEY, pointed at a Telnyx double written only from
 * Telnyx's documentation (test/telnyx-double/README.md), not at our sandbox.
 */

const deploymentId = `double-${randomUUID().slice(0, 8)}`;
const children: ChildProcess[] = [];
const db = connectTestDatabase();
let double: TelnyxDouble;
let apiUrl: string;
let apiKey: string;
let organizationId: string;
/** Toll-free numbers that need time after purchase (`quickship: false`): a provisioning should never pick one. */
let slowTollFree: Set<string>;

function serviceEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('TELNYX_') || key.startsWith('RECONCILE_')) delete env[key];
  return {
    ...env,
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `independent-double-${randomUUID()}`,
    TELNYX_API_KEY: double.apiKey,
    TELNYX_BASE_URL: double.baseURL,
    TELNYX_CONNECTION_ID: double.connectionId,
    TELNYX_PUBLIC_KEY: double.publicKey,
    DEPLOYMENT_ID: deploymentId,
    // The dev server is shared by the whole run: no sweep schedule from this file.
    RECONCILE_ENABLED: 'false',
    WORKER_METRICS_ADDRESS: '',
    ORDER_DEADLINE_MS: '20000',
    PROVISION_WAIT_MS: '20000',
    ORG_NUMBER_LIMIT: '10',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
  };
}

/** Starts a compiled entry point; resolves once `ready` appears in its output. */
async function startProcess(entry: string, env: NodeJS.ProcessEnv, ready: string): Promise<{ output: () => string }> {
  const child = spawn(process.execPath, [entry], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}: ${output.slice(-4000)}`)));
  });
  return { output: () => output };
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: (text ? JSON.parse(text) : null) as any };
}

/** POST /numbers for a new identity, then GET until the number leaves `provisioning`; the last answer and the row. */
async function provision(handle: string, request: Record<string, unknown>) {
  expect((await call('POST', '/api/v1/identities', { agent_handle: handle })).status).toBe(201);
  const created = await call('POST', '/api/v1/phone/numbers', { agent_handle: handle, ...request });
  if (created.status !== 202) return { created, number: created.body };
  const settled = await waitFor(
    async () => {
      const current = await call('GET', `/api/v1/phone/numbers/${created.body.id}`);
      return current.body.status === 'provisioning' ? undefined : current.body;
    },
    'the provisioning to settle',
    60_000,
  );
  return { created, number: settled };
}

/** Orders the double took from now on, to tell which numbers a scenario bought. */
function ordersSince(mark: number) {
  return [...double.state.orders.values()].filter((order) => order.createdAtMs >= mark);
}

function numbersOfOrders(orders: ReturnType<typeof ordersSince>) {
  return orders.flatMap((order) => order.lines.map((line) => double.state.numbers.get(line.number_id)!));
}

beforeAll(async () => {
  double = await startTelnyxDouble({
    inventory: { tollFreeQuickship: 30, tollFreeSlow: 4, local: { VT: 10, NH: 6 } },
    // Right after an order succeeds its numbers still read as just bought, as the docs warn.
    behaviour: { settleLagMs: 1_000 },
  });
  slowTollFree = new Set(double.state.stock.filter((stock) => stock.phone_number_type === 'toll_free' && !stock.quickship).map((stock) => stock.phone_number));
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const env = serviceEnv(port);
  await Promise.all([startProcess('dist/main/worker.js', env, '"worker running"'), startProcess('dist/main/api.js', env, '"API listening"')]);
  const admin = await runTsCli('admin/cli.ts', ['org', 'create', '--name', `independent-double-${deploymentId}`], { DATABASE_URL: inject('databaseUrl') });
  expect(admin.exitCode, admin.stderr).toBe(0);
  ({ organization_id: organizationId, api_key: apiKey } = JSON.parse(admin.stdout.trim().split('\n').pop()!) as { organization_id: string; api_key: string });
}, 180_000);

afterAll(async () => {
  // DOUBLE_LOG=1 prints every request the double saw, to tell why a scenario failed.
  if (process.env.DOUBLE_LOG === '1') {
    for (const seen of double?.state.requests ?? []) console.log(`${new Date(seen.at).toISOString()} ${seen.method} ${seen.path}?${decodeURIComponent(seen.query.toString())} -> ${seen.status}`);
  }
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((done) => child.once('exit', done)) : undefined)));
  await double?.stop();
  if (organizationId) await db.deleteFrom('organizations').where('id', '=', organizationId).execute().catch(() => undefined);
  await db.destroy();
});

describe('the whole stack against an independent Telnyx double', () => {
  let tollFree: { id: string; number: string };

  test('when a customer provisions a toll-free number, then it is active, quickship, and configured on the connection with its own reference', async () => {
    const mark = Date.now();

    const { number } = await provision('toll-free-agent', { type: 'toll_free' });

    expect(number).toMatchObject({ status: 'active', type: 'toll_free', number: expect.stringMatching(/^\+18\d{9}$/) });
    tollFree = number;
    expect(slowTollFree.has(number.number)).toBe(false);
    const held = double.heldNumbers().find((candidate) => candidate.phone_number === number.number);
    expect(held).toMatchObject({ status: 'active', connection_id: double.connectionId });
    expect.soft(held?.customer_reference, 'the number carries its own customer_reference').toEqual(expect.stringMatching(/\S/));
    expect.soft(held?.tags, 'the number carries the deployment tag').toContain(`deployment:${deploymentId}`);
    expect(numbersOfOrders(ordersSince(mark))).toHaveLength(1);
  }, 90_000);

  test('when a customer provisions a local number in Vermont and the order takes a while, then it is active with a Vermont area code', async () => {
    double.state.behaviour.orderDelayMs = 1_500;
    const mark = Date.now();
    try {
      const { number } = await provision('local-agent', { type: 'local', state: 'VT' });

      expect(number).toMatchObject({ status: 'active', type: 'local', state: 'VT' });
      expect(number.number, 'the number is an exact match, not a best-effort one from another state').toMatch(/^\+1802\d{7}$/);
      expect(double.heldNumbers().find((candidate) => candidate.phone_number === number.number)).toMatchObject({ status: 'active', connection_id: double.connectionId });
      expect(numbersOfOrders(ordersSince(mark))).toHaveLength(1);
    } finally {
      double.state.behaviour.orderDelayMs = 0;
    }
  }, 90_000);

  test('when the customer releases the toll-free number, then 204 and the double deletes it', async () => {
    expect(tollFree, 'the toll-free provisioning succeeded').toBeDefined();

    const released = await call('DELETE', `/api/v1/phone/numbers/${tollFree.id}`);

    expect(released.status).toBe(204);
    const deleted = await waitFor(
      async () => [...double.state.numbers.values()].find((number) => number.phone_number === tollFree.number && number.status === 'deleted'),
      'the double to delete the released number',
      60_000,
    );
    expect(deleted.status).toBe('deleted');
  }, 90_000);

  test('when configuring the bought number fails for good, then the provisioning fails and the number is deleted at the double', async () => {
    double.state.faults.push({ method: 'PATCH', pathPrefix: '/v2/phone_numbers/', status: 422, code: '10015', title: 'Bad Request', remaining: null });
    const mark = Date.now();
    try {
      const { created, number } = await provision('patch-fails-agent', { type: 'toll_free' });

      const outcome = created.status === 502 ? created.body.error : number.status;
      expect(['carrier_provisioning_failed', 'failed']).toContain(outcome);
      const bought = numbersOfOrders(ordersSince(mark));
      expect(bought.length).toBeGreaterThan(0);
      await waitFor(async () => bought.every((candidate) => candidate.status === 'deleted'), 'the bought number to be deleted', 60_000).catch(() => undefined);
      expect(bought.map((candidate) => [candidate.phone_number, candidate.status])).toEqual(bought.map((candidate) => [candidate.phone_number, 'deleted']));
    } finally {
      double.state.faults = [];
    }
  }, 120_000);

  test('when the carrier fails the order, then the customer gets 502 and the account holds nothing from it', async () => {
    double.state.behaviour.orderOutcome = 'failure';
    double.state.behaviour.orderDelayMs = 500;
    const mark = Date.now();
    try {
      const { created, number } = await provision('order-fails-agent', { type: 'toll_free' });

      expect([created.status, created.body.error ?? number.status]).toEqual([502, 'carrier_provisioning_failed']);
      const held = double.heldNumbers().map((candidate) => candidate.phone_number);
      expect(numbersOfOrders(ordersSince(mark)).filter((candidate) => held.includes(candidate.phone_number))).toEqual([]);
    } finally {
      double.state.behaviour.orderOutcome = 'success';
      double.state.behaviour.orderDelayMs = 0;
    }
  }, 120_000);

  test('when a customer releases a number whose order is still pending, then nothing from that order stays on the account', async () => {
    double.state.behaviour.orderOutcome = 'pending';
    const mark = Date.now();
    try {
      expect((await call('POST', '/api/v1/identities', { agent_handle: 'pending-agent' })).status).toBe(201);
      const created = await call('POST', '/api/v1/phone/numbers', { agent_handle: 'pending-agent', type: 'toll_free' }, { prefer: 'respond-async' });
      expect(created.status).toBe(202);
      await waitFor(async () => ordersSince(mark).length > 0, 'the order to reach the double');

      const released = await call('DELETE', `/api/v1/phone/numbers/${created.body.id}`);

      expect(released.status).toBe(204);
      const bought = numbersOfOrders(ordersSince(mark));
      await waitFor(async () => (double.heldNumbers().some((held) => bought.includes(held)) ? undefined : true), 'the pending number to leave the account', 60_000).catch(() => undefined);
      expect(double.heldNumbers().filter((held) => bought.includes(held)).map((held) => [held.phone_number, held.status])).toEqual([]);
    } finally {
      double.state.behaviour.orderOutcome = 'success';
    }
  }, 120_000);

  test('when the carrier creates the order but answers 500, then the service finds that order and buys nothing more', async () => {
    double.state.faults.push({ method: 'POST', pathPrefix: '/v2/number_orders', status: 500, code: '10007', title: 'Unexpected error', remaining: 1, afterCommit: true });
    const mark = Date.now();
    try {
      const { number } = await provision('ambiguous-agent', { type: 'toll_free' });

      expect(number).toMatchObject({ status: 'active', type: 'toll_free' });
      const orders = ordersSince(mark);
      expect(orders.map((order) => order.customer_reference), 'one order per provisioning').toHaveLength(1);
      expect(numbersOfOrders(orders).map((bought) => bought.phone_number)).toEqual([number.number]);
    } finally {
      double.state.faults = [];
    }
  }, 120_000);

  test('when every scenario has run, then each number the double sold is owned by a live row or deleted, and every lookup by number was digits only', async () => {
    // Let releases and compensations in flight finish before judging.
    await sleep(2_000);
    const rows = await db.selectFrom('phone_numbers').select(['number', 'status']).where('organization_id', '=', organizationId).execute();
    const owners = rows.filter((row) => (liveStatuses as readonly string[]).includes(row.status)).map((row) => row.number);

    const held = double.heldNumbers().map((number) => number.phone_number);

    expect(held.filter((number) => !owners.includes(number)), 'orphans: held at the double, owned by no live row').toEqual([]);
    expect(owners.filter((number) => !held.includes(number!)), 'live rows whose number the double does not hold').toEqual([]);
    const lookups = double.state.requests.filter((request) => request.path === '/v2/phone_numbers' && request.query.has('filter[phone_number]'));
    expect(lookups.length).toBeGreaterThan(0);
    expect(lookups.map((request) => request.query.get('filter[phone_number]')).filter((value) => !/^\d{3,}$/.test(value!))).toEqual([]);
  }, 60_000);
});
