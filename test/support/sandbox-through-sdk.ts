import Telnyx from 'telnyx';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startTestSandbox, type TestSandbox } from './start-test-sandbox.js';

/** A test file's own sandbox and an official SDK client on it; filled in `beforeAll`. */
export interface SandboxThroughSdk {
  sandbox: TestSandbox;
  client: Telnyx;
}

/**
 * For a test file that holds the sandbox to Telnyx's documentation through the official SDK: starts
 * its own sandbox before the file, resets it before each test, and stops it after the file. The SDK
 * retries nothing, so each test sees exactly what the sandbox answered.
 */
export function useSandboxThroughSdk(): SandboxThroughSdk {
  const context = {} as SandboxThroughSdk;
  beforeAll(async () => {
    context.sandbox = await startTestSandbox();
    context.client = new Telnyx({ apiKey: 'test-key', baseURL: context.sandbox.sandbox.baseURL, maxRetries: 0 });
  });
  afterAll(() => context.sandbox.sandbox.stop());
  beforeEach(() => context.sandbox.control.reset());
  return context;
}
