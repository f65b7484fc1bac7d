import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'old-node-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A `node` that says it is 20 when asked its version and otherwise runs the real one (npm still works through it). */
function oldNodeFolder(): string {
  const fake = join(scratch, 'node');
  writeFileSync(fake, `#!/bin/sh\ncase "$*" in\n  --version) echo v20.0.0 ;;\n  *process.versions.node*) echo 20 ;;\n  *) exec '${process.execPath}' "$@" ;;\nesac\n`);
  chmodSync(fake, 0o755);
  return scratch;
}

const onPath = (folder: string) => ({ PATH: `${folder}${delimiter}${process.env.PATH ?? ''}` });
const printVersion = ['tools/current-node.sh', '-p', 'process.versions.node'];

describe('tools/current-node.sh (what `npm start` and `npm test` run through)', () => {
  it('when the machine\'s node is older than 22, then the command runs on Node 24 from .tools/node and one line says how to get a current Node', async () => {
    const run = await runCommand('bash', printVersion, onPath(oldNodeFolder()));
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toMatch(/^24\./);
    expect(run.stderr).toContain('Node v20.0.0 on this machine is end-of-life');
    expect(run.stderr).toContain('running on Node v24.');
    expect(run.stderr).toContain('.nvmrc');
    expect(run.stderr).toContain('https://nodejs.org');
  }, 180_000);

  it('when the machine\'s node is 22 or newer, then the command runs on it and nothing is said', async () => {
    const run = await runCommand('bash', printVersion, onPath(dirname(process.execPath)));
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(process.versions.node);
    expect(run.stderr).toBe('');
  });

  it('when any npm script runs node or tsx, then it runs through tools/current-node.sh', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    const runsNode = Object.entries(scripts).filter(([, command]) => /^(node|tsx|bash tools\/current-node\.sh)\b/.test(command));

    expect(runsNode.map(([name]) => name)).toEqual(
      expect.arrayContaining(['start', 'test', 'api', 'worker', 'migrate', 'admin', 'temporal:setup', 'replay', 'history:export', 'sandbox', 'chaos', 'bench']),
    );
    for (const [name, command] of runsNode) expect(command, name).toMatch(/^bash tools\/current-node\.sh /);
  });

  it('when npm run migrate -- ARGS runs on a machine whose node is 20, then it runs on Node 24 and gets ARGS', async () => {
    const run = await runCommand('npm', ['run', '-s', 'migrate', '--', 'sideways'], onPath(oldNodeFolder()));

    expect(run.stderr).toContain('running on Node v24.');
    expect(run.stderr).toContain('usage: npm run migrate -- [up|down|latest]');
    expect(run.exitCode).toBe(2);
  }, 180_000);
});
