import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/server.js';
import { usStates } from '../../../domain/phone-number.js';
import { createSandboxControl } from '../../../sandbox/control-client.js';
import { startTestSandbox, type TestSandbox } from '../../support/start-test-sandbox.js';

let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.sandbox.stop());
beforeEach(() => sandbox.control.reset());

async function v2(method: string, path: string, body?: unknown, key: string | null = 'test-key') {
  const response = await fetch(`${sandbox.sandbox.baseURL}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as any };
}

async function firstAvailable(query = 'filter[phone_number_type]=toll_free'): Promise<string> {
  return (await v2('GET', `/available_phone_numbers?${query}&filter[limit]=1`)).json.data[0].phone_number;
}

describe('Telnyx sandbox /v2', () => {
  it('when no bearer token is sent, then it answers 401 with code 10009 in the Telnyx envelope', async () => {
    const answer = await v2('GET', '/available_phone_numbers', undefined, null);

    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ errors: [expect.objectContaining({ code: '10009', title: 'Authentication failed' })] });
  });

  it('when every state is searched, then each has local numbers with its own area codes', async () => {
    for (const state of usStates) {
      const answer = await v2('GET', `/available_phone_numbers?filter[phone_number_type]=local&filter[administrative_area]=${state}&filter[limit]=2`);
      expect(answer.json.data, state).toHaveLength(2);
      expect(answer.json.data[0].region_information).toContainEqual({ region_type: 'state', region_name: state });
    }
  });

  it('when searching twice, then the inventory is the same (deterministic)', async () => {
    const first = await v2('GET', '/available_phone_numbers?filter[phone_number_type]=local&filter[administrative_area]=CA');
    const second = await v2('GET', '/available_phone_numbers?filter[phone_number_type]=local&filter[administrative_area]=CA');

    expect(first.json.data.length).toBeGreaterThan(0);
    expect(second.json.data).toEqual(first.json.data);
  });

  it('when an order has a malformed number, then it answers 422 with code 10016 and a pointer', async () => {
    const answer = await v2('POST', '/number_orders', { phone_numbers: [{ phone_number: '2125550100' }] });

    expect(answer.status).toBe(422);
    expect(answer.json.errors[0]).toMatchObject({ code: '10016', source: { pointer: '/phone_numbers/0/phone_number' } });
  });

  it('when an order has no phone_numbers, then it answers 422 with code 10004', async () => {
    const answer = await v2('POST', '/number_orders', {});

    expect(answer.status).toBe(422);
    expect(answer.json.errors[0]).toMatchObject({ code: '10004', source: { pointer: '/phone_numbers' } });
  });

  it('when the body is not JSON, then it answers 400 in the envelope', async () => {
    const answer = await v2('POST', '/number_orders', '{not json');

    expect(answer.status).toBe(400);
    expect(answer.json.errors[0].code).toBe('10015');
  });

  it('when ordering a number that is not in inventory, then it answers 422 naming the number', async () => {
    const answer = await v2('POST', '/number_orders', { phone_numbers: [{ phone_number: '+12125550100' }] });

    expect(answer.status).toBe(422);
    expect(answer.json.errors[0]).toMatchObject({ code: '10015', detail: expect.stringContaining('+12125550100') });
  });

  it('when ids are unknown, then orders and numbers answer 404 with code 10005', async () => {
    const order = await v2('GET', '/number_orders/00000000-0000-4000-8000-000000000000');
    const number = await v2('DELETE', '/phone_numbers/42');

    expect([order.status, number.status]).toEqual([404, 404]);
    expect([order.json.errors[0].code, number.json.errors[0].code]).toEqual(['10005', '10005']);
  });

  it('when page[size] exceeds 250, then it answers 422', async () => {
    const answer = await v2('GET', '/phone_numbers?page[size]=251');

    expect(answer.status).toBe(422);
    expect(answer.json.errors[0].code).toBe('10015');
  });

  it('when a number is bought, then it leaves the inventory and is listed with numeric id and meta', async () => {
    const phoneNumber = await firstAvailable();
    await v2('POST', '/number_orders', { phone_numbers: [{ phone_number: phoneNumber }] });

    const list = await v2('GET', `/phone_numbers?filter[phone_number]=${phoneNumber.slice(1)}`);

    expect(list.json.data[0]).toMatchObject({ record_type: 'phone_number', phone_number: phoneNumber, status: 'active', id: expect.stringMatching(/^\d+$/) });
    expect(list.json.meta).toEqual({ page_number: 1, page_size: 20, total_pages: 1, total_results: 1 });
    expect(await firstAvailable()).not.toBe(phoneNumber);
  });

  it('when deleting a number, then it answers 200 with status deleted and 404 afterwards', async () => {
    const phoneNumber = await firstAvailable();
    await v2('POST', '/number_orders', { phone_numbers: [{ phone_number: phoneNumber }] });
    const [owned] = await sandbox.control.ownedNumbers();

    const first = await v2('DELETE', `/phone_numbers/${owned!.id}`);
    const second = await v2('DELETE', `/phone_numbers/${owned!.id}`);

    expect([first.status, first.json.data.status]).toEqual([200, 'deleted']);
    expect(second.status).toBe(404);
  });

  it('when purchase_pending_ms is set, then a fresh number reads purchase-pending before active', async () => {
    await sandbox.control.configure({ purchase_pending_ms: 60_000 });
    const phoneNumber = await firstAvailable();
    await v2('POST', '/number_orders', { phone_numbers: [{ phone_number: phoneNumber }] });

    expect((await sandbox.control.ownedNumbers())[0]!.status).toBe('purchase-pending');
  });

  it('when the completion mode is never, then the order stays pending until completed by hand', async () => {
    await sandbox.control.configure({ order_completion: { mode: 'never' } });
    const created = await v2('POST', '/number_orders', { phone_numbers: [{ phone_number: await firstAvailable() }] });

    expect(created.json.data.status).toBe('pending');
    expect((await sandbox.control.ownedNumbers()).map((number) => number.status)).toEqual(['purchase-pending']);
    await sandbox.control.completeOrder(created.json.data.id);
    expect((await v2('GET', `/number_orders/${created.json.data.id}`)).json.data.status).toBe('success');
  });

  it('when the completion mode is fail, then the order ends failure and the number returns to stock', async () => {
    await sandbox.control.configure({ order_completion: { mode: 'fail', delay_ms: 0 } });
    const phoneNumber = await firstAvailable();
    const created = await v2('POST', '/number_orders', { phone_numbers: [{ phone_number: phoneNumber }] });

    await expect.poll(async () => (await v2('GET', `/number_orders/${created.json.data.id}`)).json.data.status).toBe('failure');
    expect(await sandbox.control.ownedNumbers()).toEqual([]);
    expect(await firstAvailable()).toBe(phoneNumber);
  });
});

describe('Telnyx sandbox faults', () => {
  it('when a delay fault is set, then the request still answers normally after it', async () => {
    await sandbox.control.addFault({ path: '/v2/available_phone_numbers', action: { type: 'delay', ms: 50 } });

    const answer = await v2('GET', '/available_phone_numbers?filter[limit]=1');

    expect(answer.status).toBe(200);
  });

  it('when a fault has times 2, then it fires twice and then stops', async () => {
    await sandbox.control.addFault({ path: '/v2/phone_numbers', action: { type: 'error', status: 502 }, times: 2 });

    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await v2('GET', '/phone_numbers')).status);

    expect(statuses).toEqual([502, 502, 200]);
  });

  it('when a fault has times null, then it fires until cleared', async () => {
    await sandbox.control.addFault({ path: '/v2/phone_numbers', action: { type: 'error', status: 500 }, times: null });

    const before = [(await v2('GET', '/phone_numbers')).status, (await v2('GET', '/phone_numbers')).status];
    await sandbox.control.clearFaults();

    expect(before).toEqual([500, 500]);
    expect((await v2('GET', '/phone_numbers')).status).toBe(200);
  });

  it('when a fault path ends in *, then it matches the prefix only, and only for its method', async () => {
    await sandbox.control.addFault({ method: 'DELETE', path: '/v2/phone_numbers/*', action: { type: 'error', status: 503 }, times: null });

    expect((await v2('DELETE', '/phone_numbers/1')).status).toBe(503);
    expect((await v2('GET', '/phone_numbers/1')).status).toBe(404);
    expect((await v2('GET', '/phone_numbers')).status).toBe(200);
  });

  it('when a fault has probability 0, then it never fires', async () => {
    await sandbox.control.addFault({ path: '/v2/phone_numbers', action: { type: 'error', status: 500 }, times: null, probability: 0 });

    expect((await v2('GET', '/phone_numbers')).status).toBe(200);
  });

  it('when a fault body is invalid, then the control API answers 400', async () => {
    await expect(sandbox.control.addFault({ path: 'no-slash', action: { type: 'hang' } })).rejects.toThrow(/400/);
  });

  it('when the sandbox is reset, then numbers, orders, faults and requests are gone', async () => {
    await v2('POST', '/number_orders', { phone_numbers: [{ phone_number: await firstAvailable() }] });
    await sandbox.control.addFault({ path: '/v2/phone_numbers', action: { type: 'error', status: 500 }, times: null });

    await sandbox.control.reset();

    expect([await sandbox.control.ownedNumbers(), await sandbox.control.orders(), await sandbox.control.requests()]).toEqual([[], [], []]);
    expect((await v2('GET', '/phone_numbers')).status).toBe(200);
  });
});

describe('Telnyx sandbox state file', () => {
  it('when restarted with the same state file, then owned numbers, orders and the key pair survive', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'sandbox-')), 'sandbox.json');
    const first = await startSandbox({ port: 0, stateFile });
    const search = await fetch(`${first.baseURL}/available_phone_numbers?filter[limit]=1`, { headers: { authorization: 'Bearer k' } });
    const phoneNumber = ((await search.json()) as any).data[0].phone_number;
    await fetch(`${first.baseURL}/number_orders`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ phone_numbers: [{ phone_number: phoneNumber }] }),
    });
    await first.stop();

    const second = await startSandbox({ port: 0, stateFile });
    const owned = await createSandboxControl(second.url).ownedNumbers();
    await second.stop();

    expect(owned.map((each) => each.phone_number)).toEqual([phoneNumber]);
    expect(second.publicKey).toBe(first.publicKey);
  });
});
