import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import { loadConfig } from '../../../config/config.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { searchAttributes } from '../../../domain/search-attributes.js';
import { workflowIds, type ProvisionNumberInput } from '../../../domain/workflow-contract.js';
import { startDevServer, type DevServer } from '../../../temporal/dev-server.js';
import { createWorker } from '../../../worker/create-worker.js';
import { provisionNumber } from '../../../workflows/index.js';
import { freePort } from '../../../sandbox/free-port.js';
import { startTestSandbox, type TestSandbox } from '../../support/start-test-sandbox.js';
import { createTestOrganization } from '../../support/test-database.js';
import { createWorkerDatabase, waitFor, workflowBundle } from '../../support/workflow-harness.js';

/** Debian's package (`apt-get install chromium`, done by `.ci/run`); CHROMIUM_PATH overrides. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const taskQueue = `web-ui-${randomUUID()}`;

// This file runs its own dev server because the run's shared one is headless.
let server: DevServer;
let sandbox: TestSandbox;
let db: Kysely<Database>;
let connection: NativeConnection;
let clientConnection: Connection;
let client: Client;
let worker: Worker;
let running: Promise<void>;
let browser: Browser;
const organizations: string[] = [];

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: run \`apt-get install -y chromium\` (as .ci/run does) or set CHROMIUM_PATH`);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  server = await startDevServer({ port: await freePort(), uiPort: await freePort(), namespace: 'default', dbFile: null });
  sandbox = await startTestSandbox();
  db = createWorkerDatabase(inject('databaseUrl'));
  connection = await NativeConnection.connect({ address: server.address });
  clientConnection = await Connection.connect({ address: server.address });
  client = new Client({ connection: clientConnection, namespace: 'default' });
  worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue,
    db,
    carrier: createTelnyxCarrier({ apiKey: 'test', baseURL: sandbox.sandbox.baseURL }),
    temporal: client,
    config: loadConfig({ TELNYX_BASE_URL: sandbox.sandbox.baseURL }),
    workflowBundle: await workflowBundle(),
  });
  running = worker.run();
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await connection?.close();
  await clientConnection?.close();
  // Frees this file's live numbers for the next run (number rows cascade with their organization).
  if (organizations.length) await db.deleteFrom('organizations').where('id', 'in', organizations).execute();
  await db?.destroy();
  await sandbox?.sandbox.stop();
  await server?.stop();
});

/** Provisions a local number in Maine (this file's own pool) for a new organization, as the API starts it. */
async function provision() {
  const { organization } = await createTestOrganization(db, 'agent');
  organizations.push(organization.id);
  const input: ProvisionNumberInput = {
    organizationId: organization.id,
    phoneNumberId: randomUUID(),
    agentHandle: 'agent',
    type: 'local',
    state: 'ME',
    callSettings: { incomingCallAction: 'auto_reject', clientWebsocketUrl: null, incomingCallWebhookUrl: null },
    orderDeadlineMs: 60_000,
    orderPollIntervalMs: 200,
  };
  const handle = await client.workflow.start(provisionNumber, {
    taskQueue,
    workflowId: workflowIds.provision(organization.id, randomUUID()),
    args: [input],
    typedSearchAttributes: [
      { key: searchAttributes.organizationId, value: organization.id },
      { key: searchAttributes.agentHandle, value: input.agentHandle },
    ],
  });
  const result = await handle.result();
  return { organizationId: organization.id, workflowId: handle.workflowId, number: result.number };
}

describe('Temporal Web UI (headless Chromium)', () => {
  it('when the workflow list is opened filtered by an organization, then it shows that organization\'s provisioning and not another\'s', async () => {
    const mine = await provision();
    const other = await provision();
    const query = `OrganizationId="${mine.organizationId}"`;
    // Visibility is eventually consistent: open the page once the server lists the workflow.
    await waitFor(async () => {
      for await (const execution of client.workflow.list({ query })) if (execution.workflowId === mine.workflowId) return true;
      return false;
    }, 'the workflow in visibility');
    const page = await browser.newPage();

    await page.goto(`${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    await page.getByText(mine.workflowId, { exact: true }).first().waitFor({ timeout: 30_000 });

    expect(await page.getByText(mine.workflowId, { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.getByText(other.workflowId).count()).toBe(0);
    await page.close();
  });
});
