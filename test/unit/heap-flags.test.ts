import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');

const semiSpaceFlag = /--max-semi-space-size=(\d+)\b/;
/** The young-generation cap a command line sets, in MB per semi-space, or undefined. */
const semiSpaceOf = (command: string) => semiSpaceFlag.exec(command)?.[1];
const imageNodeOptions = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile)?.[1] ?? '';

/** V8's heap limit (old plus young generation, MB) of a node started with these NODE_OPTIONS. */
function heapLimitMb(nodeOptions: string): number {
  const printed = execFileSync(process.execPath, ['-p', 'Math.round(require("v8").getHeapStatistics().heap_size_limit / 1048576)'], {
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
    encoding: 'utf8',
  });
  return Number(printed.trim());
}

describe('V8 young generation of the service processes', () => {
  it('when the API, the worker and npm start are started by npm, then each caps the semi-space at the same size', () => {
    const caps = ['api', 'worker', 'start'].map((script) => semiSpaceOf(scripts[script] ?? ''));

    expect(caps[0]).toBeDefined();
    expect(caps).toEqual([caps[0], caps[0], caps[0]]);
  });

  it('when a process of the image starts, whatever its command, then NODE_OPTIONS caps the semi-space as the npm scripts do', () => {
    expect(semiSpaceOf(imageNodeOptions)).toBe(semiSpaceOf(scripts.api ?? ''));
  });

  it('when node reads the image\'s NODE_OPTIONS, then it accepts them and the young generation stays within three semi-spaces', () => {
    const cap = Number(semiSpaceOf(imageNodeOptions));
    const limit = heapLimitMb(`${imageNodeOptions} --max-old-space-size=256`);

    // V8 reserves the young generation as three semi-spaces beside the old space; uncapped, Node 24 gives 64 MB each.
    expect(limit).toBeGreaterThan(256);
    expect(limit).toBeLessThanOrEqual(256 + 3 * cap);
  });
});
