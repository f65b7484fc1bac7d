import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const projectRoot = join(import.meta.dirname, '..', '..');
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1]);

describe('Node version (package.json engines, tools/current-node.sh)', () => {
  it('when the suite runs, then it runs on a Node that package.json engines allows (22 or newer)', () => {
    const engines = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=22');
    expect(major(process.versions.node)).toBeGreaterThanOrEqual(major(engines));
  });
});
