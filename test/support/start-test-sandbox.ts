import { randomInt } from 'node:crypto';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server.js';
import { createSandboxControl, type SandboxControl } from '../../sandbox/control-client.js';

export interface TestSandbox {
  sandbox: Sandbox;
  control: SandboxControl;
}

/**
 * A sandbox of the test file's own on a free loopback port, selling from a random point of the numbering
 * plan so files sharing the run's database never buy the same number; stop it in `afterAll`.
 */
export async function startTestSandbox(options: Omit<SandboxOptions, 'port'> = {}): Promise<TestSandbox> {
  const sandbox = await startSandbox({ port: 0, numberOffset: randomInt(0, 1_000_000), ...options });
  return { sandbox, control: createSandboxControl(sandbox.url) };
}
