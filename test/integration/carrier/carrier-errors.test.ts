import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Carrier } from '../../../carrier/carrier.js';
import { carrierErrorTypes } from '../../../domain/carrier-failures.js';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import { freePort } from '../../../sandbox/free-port.js';
import { startTestSandbox, type TestSandbox } from '../../support/start-test-sandbox.js';

let sandbox: TestSandbox;
let carrier: Carrier;
const tollFree = { type: 'toll_free', state: null, limit: 5 } as const;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  carrier = createTelnyxCarrier({ apiKey: 'test-key', baseURL: sandbox.sandbox.baseURL, maxRetries: 0, timeoutMs: 500 });
});
afterAll(() => sandbox.sandbox.stop());
beforeEach(() => sandbox.control.reset());

async function firstCandidate(): Promise<string> {
  return (await carrier.searchAvailable(tollFree))[0]!.phoneNumber;
}

describe('TelnyxCarrier error classification', () => {
  it('when the API key is empty, then the sandbox answers 401 and the error is a permanent authentication failure', async () => {
    const keyless = createTelnyxCarrier({ apiKey: '', baseURL: sandbox.sandbox.baseURL, maxRetries: 0 });

    await expect(keyless.searchAvailable(tollFree)).rejects.toMatchObject({
      type: carrierErrorTypes.authentication,
      retryable: false,
      details: { status: 401, code: '10009' },
    });
  });

  it('when a 401 is injected, then it is classified as an authentication failure', async () => {
    await sandbox.control.addFault({ path: '/v2/available_phone_numbers', action: { type: 'error', status: 401 } });

    await expect(carrier.searchAvailable(tollFree)).rejects.toMatchObject({ type: carrierErrorTypes.authentication });
  });

  it('when an order id is unknown, then getOrder fails permanently with carrier_not_found', async () => {
    await expect(carrier.getOrder(randomUUID())).rejects.toMatchObject({
      type: carrierErrorTypes.notFound,
      retryable: false,
      details: { status: 404, code: '10005' },
    });
  });

  it('when a number id is unknown, then attachToConnection fails with carrier_not_found', async () => {
    await expect(carrier.attachToConnection('1234567890', { connectionId: 'connection', tags: [] })).rejects.toMatchObject({ type: carrierErrorTypes.notFound });
  });

  it('when an order line UUID is passed where a number id belongs, then release fails loudly instead of reading already_released', async () => {
    await expect(carrier.releaseNumber(randomUUID())).rejects.toMatchObject({ type: carrierErrorTypes.invalidRequest, retryable: false });
  });

  it('when ordering a malformed number, then the 422 is a permanent invalid request', async () => {
    await expect(carrier.createOrder('555-0100', 'ref')).rejects.toMatchObject({
      type: carrierErrorTypes.invalidRequest,
      retryable: false,
      details: { status: 422, code: '10016' },
    });
  });

  it('when ordering a well-formed number that is not in inventory, then it is carrier_number_taken', async () => {
    await expect(carrier.createOrder('+12125550100', 'ref')).rejects.toMatchObject({ type: carrierErrorTypes.numberTaken, retryable: false });
  });

  it('when someone else buys the number first (taken fault), then the order fails with carrier_number_taken and the number is gone', async () => {
    const phoneNumber = await firstCandidate();
    await sandbox.control.addFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'taken' } });

    await expect(carrier.createOrder(phoneNumber, 'ref')).rejects.toMatchObject({ type: carrierErrorTypes.numberTaken });
    expect(await sandbox.control.orders()).toEqual([]);
    expect(await firstCandidate()).not.toBe(phoneNumber);
  });

  it('when rate limited with Retry-After, then the error is retryable and carries the delay', async () => {
    await sandbox.control.addFault({
      path: '/v2/available_phone_numbers',
      action: { type: 'error', status: 429, headers: { 'retry-after': '7', 'x-ratelimit-reset': '9' } },
    });

    await expect(carrier.searchAvailable(tollFree)).rejects.toMatchObject({
      type: carrierErrorTypes.rateLimited,
      retryable: true,
      details: { status: 429, code: '10011', retryAfterMs: 7_000 },
    });
  });

  it('when rate limited with only x-ratelimit-reset, then the delay comes from it', async () => {
    await sandbox.control.addFault({
      path: '/v2/available_phone_numbers',
      action: { type: 'error', status: 429, headers: { 'retry-after': '', 'x-ratelimit-reset': '4' } },
    });

    await expect(carrier.searchAvailable(tollFree)).rejects.toMatchObject({ details: { retryAfterMs: 4_000 } });
  });

  it('when the carrier answers 503, then the error is retryable carrier_unavailable', async () => {
    await sandbox.control.addFault({ path: '/v2/number_orders/*', action: { type: 'error', status: 503, code: '10007' } });

    await expect(carrier.getOrder(randomUUID())).rejects.toMatchObject({
      type: carrierErrorTypes.unavailable,
      retryable: true,
      details: { status: 503, code: '10007' },
    });
  });

  it('when the carrier hangs, then the client timeout fires and the error is retryable', async () => {
    await sandbox.control.addFault({ path: '/v2/phone_numbers', action: { type: 'hang' } });

    await expect(carrier.listOwnedNumbers()).rejects.toMatchObject({ type: carrierErrorTypes.unavailable, retryable: true });
  });

  it('when nothing listens at the base URL, then the connection error is retryable', async () => {
    const nowhere = createTelnyxCarrier({ apiKey: 'k', baseURL: `http://127.0.0.1:${await freePort()}/v2`, maxRetries: 0 });

    await expect(nowhere.searchAvailable(tollFree)).rejects.toMatchObject({ type: carrierErrorTypes.unavailable, retryable: true });
  });

  it('when a read fails once with 503 and SDK retries are on, then the read succeeds on the retry', async () => {
    const retrying = createTelnyxCarrier({ apiKey: 'k', baseURL: sandbox.sandbox.baseURL });
    await sandbox.control.addFault({ path: '/v2/available_phone_numbers', action: { type: 'error', status: 503 }, times: 1 });

    const found = await retrying.searchAvailable(tollFree);

    expect(found).toHaveLength(5);
    expect((await sandbox.control.requests()).map((request) => request.status)).toEqual([503, 200]);
  });

  it('when an order create fails with 503 and SDK retries are on, then the create is still sent only once', async () => {
    const retrying = createTelnyxCarrier({ apiKey: 'k', baseURL: sandbox.sandbox.baseURL });
    const phoneNumber = await firstCandidate();
    await sandbox.control.addFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'error', status: 503 }, times: null });

    await expect(retrying.createOrder(phoneNumber, 'ref')).rejects.toMatchObject({ type: carrierErrorTypes.unavailable });
    expect((await sandbox.control.requests()).filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it('when a create commits and then errors, then reconciling by customer_reference finds the order and nothing is bought twice', async () => {
    const phoneNumber = await firstCandidate();
    const reference = `provision-${randomUUID()}`;
    await sandbox.control.addFault({ method: 'POST', path: '/v2/number_orders', action: { type: 'commit_then_error', status: 500 } });

    await expect(carrier.createOrder(phoneNumber, reference)).rejects.toMatchObject({ retryable: true });
    const reconciled = await carrier.findOrdersByCustomerReference(reference);

    expect(reconciled).toHaveLength(1);
    expect(reconciled[0]).toMatchObject({ phoneNumber, status: 'success', customerReference: reference });
    await expect(carrier.createOrder(phoneNumber, reference)).rejects.toMatchObject({ type: carrierErrorTypes.numberTaken });
    expect(await sandbox.control.ownedNumbers()).toHaveLength(1);
  });

  it('when a create times out after the sandbox committed it, then the order is found by customer_reference', async () => {
    const phoneNumber = await firstCandidate();
    const reference = `provision-${randomUUID()}`;
    await sandbox.control.configure({ latency_ms: 1_500 });

    await expect(carrier.createOrder(phoneNumber, reference)).rejects.toMatchObject({ type: carrierErrorTypes.unavailable });
    await sandbox.control.configure({ latency_ms: 0 });

    await expect.poll(async () => (await carrier.findOrdersByCustomerReference(reference)).length, { timeout: 5_000 }).toBe(1);
  });
});
