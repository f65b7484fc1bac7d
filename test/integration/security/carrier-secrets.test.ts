import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTelnyxCarrier } from '../../../carrier/telnyx-carrier.js';
import { startTestSandbox, type TestSandbox } from '../../support/start-test-sandbox.js';

/** A key no log line, error or workflow history may carry. */
const telnyxKey = 'KEYSECRET0123456789abcdefTELNYX';
let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.sandbox.stop());
beforeEach(() => sandbox.control.reset());

describe('the Telnyx API key stays out of carrier errors (what activities throw, and Temporal records and logs)', () => {
  test.each([
    ['a 401', { type: 'error', status: 401 }],
    ['a 422', { type: 'error', status: 422 }],
    ['a 500', { type: 'error', status: 500 }],
    ['a hang past the timeout', { type: 'hang' }],
  ] as const)('when the carrier answers %s, then the classified error, its causes and its JSON never contain the key', async (_name, action) => {
    const carrier = createTelnyxCarrier({ apiKey: telnyxKey, baseURL: sandbox.sandbox.baseURL, maxRetries: 0, timeoutMs: 300 });
    await sandbox.control.addFault({ path: '/v2/available_phone_numbers', action });

    const error: unknown = await carrier.searchAvailable({ type: 'toll_free', state: null, limit: 5 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toMatchObject({ name: 'CarrierError' });
    const rendered = [inspect(error, { depth: 20, showHidden: true }), JSON.stringify(error), String((error as Error).stack)].join('\n');
    expect(rendered).not.toContain(telnyxKey);
  });
});
