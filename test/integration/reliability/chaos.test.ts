import { expect, inject, it } from 'vitest';
import { faultKinds } from '../../../chaos/faults.js';
import { invariantNames } from '../../../chaos/invariants.js';
import { runCommand } from '../../support/run-cli.js';

it(
  'when the CI chaos profile runs against a local stack under every kind of fault, then it exits 0 with every invariant PASS and every fault kind injected',
  async () => {
    // Arrange: the chaos run creates (and drops) its own database beside the test run's.
    const env = { CHAOS_DATABASE_URL: inject('databaseUrl') };

    // Act
    const run = await runCommand(process.execPath, ['--import', 'tsx', 'chaos/main.ts', '--profile', 'ci'], env);

    // Assert: on failure the report (stdout) and the fault timeline (stderr) say why.
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.exitCode, output).toBe(0);
    for (const name of invariantNames) expect(run.stdout, output).toMatch(new RegExp(`^\\s*PASS ${name}\\b`, 'm'));
    expect(run.stdout).not.toMatch(/^\s*FAIL /m);
    for (const kind of faultKinds) {
      const injected = Number(new RegExp(`FAULT ${kind}\\s+(\\d+)`).exec(run.stdout)?.[1] ?? 0);
      expect(injected, `${kind} injected`).toBeGreaterThanOrEqual(1);
    }
    expect(run.stdout).toMatch(/^RESULT: PASS$/m);
  },
  // Typically 2 to 3 minutes; bounded by the run's own waits (worker start, recovery after each storm, load tail, quiescence) under a busy machine.
  10 * 60_000,
);
