import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const eslint = join(root, 'node_modules', '.bin', 'eslint');
const badFixture = join(root, 'test', 'fixtures', 'lint', 'bad-workflow.ts');

interface LintMessage {
  line: number;
  ruleId: string | null;
  message: string;
}

/** Runs the project's ESLint CLI; resolves its exit code and the messages of every linted file. */
function lint(args: string[], stdin?: string): Promise<{ exitCode: number | null; messages: LintMessage[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(eslint, ['--format', 'json', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const results = JSON.parse(stdout) as { messages: LintMessage[] }[];
      resolve({ exitCode, messages: results.flatMap((result) => result.messages) });
    });
    child.stdin.end(stdin ?? '');
  });
}

describe('workflow code guard (npm run lint)', () => {
  it('when the real workflow code is linted, then it passes', async () => {
    const { exitCode, messages } = await lint(['workflows', 'domain']);

    expect(messages).toEqual([]);
    expect(exitCode).toBe(0);
  });

  it('when Node modules, other packages and nondeterministic globals appear in workflow code, then each is an error and type imports are not', async () => {
    const source = await readFile(badFixture, 'utf8');

    const { exitCode, messages } = await lint(['--stdin', '--stdin-filename', 'workflows/bad-workflow.ts'], source);

    expect(exitCode).toBe(1);
    const byLine = (line: number) => messages.filter((message) => message.line === line).map((message) => message.ruleId);
    expect(byLine(2)).toEqual(['@typescript-eslint/no-restricted-imports']); // node:fs
    expect(byLine(3)).toEqual(['@typescript-eslint/no-restricted-imports']); // crypto (bare built-in)
    expect(byLine(4)).toEqual(['@typescript-eslint/no-restricted-imports']); // pg
    expect(byLine(5)).toEqual([]); // import type from a package
    expect(byLine(6)).toEqual([]); // @temporalio/workflow
    expect(byLine(7)).toEqual(['@typescript-eslint/no-restricted-imports']); // activity code as a value
    expect(byLine(8)).toEqual([]); // import type of activity code
    expect(byLine(14)).toContain('no-restricted-globals'); // crypto.randomUUID()
    expect(byLine(15)).toEqual(expect.arrayContaining(['no-restricted-globals', 'no-restricted-properties'])); // process, globalThis.process
    expect(byLine(16)).toEqual(['no-restricted-globals']); // performance.now()
    expect(byLine(17)).toEqual(['no-restricted-globals']); // setInterval
    expect(byLine(18)).toEqual(['no-restricted-syntax']); // import()
  });

  it('when workflow code imports a value from carrier/ (no exception any more), then it is an error and the domain/ home of the failure types is not', async () => {
    const source = [
      "import { CarrierError } from '../carrier/errors.js';",
      "import { carrierErrorTypes } from '../domain/carrier-failures.js';",
      'export const both = [CarrierError, carrierErrorTypes];',
      '',
    ].join('\n');

    const { exitCode, messages } = await lint(['--stdin', '--stdin-filename', 'workflows/uses-carrier.ts'], source);

    expect(exitCode).toBe(1);
    expect(messages.map((message) => [message.line, message.ruleId])).toEqual([[1, '@typescript-eslint/no-restricted-imports']]);
  });
});
