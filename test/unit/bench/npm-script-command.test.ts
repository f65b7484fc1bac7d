import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { npmScriptCommand } from '../../../bench/processes.js';

const packageJson = (scripts: Record<string, string>) => {
  const path = join(mkdtempSync(join(tmpdir(), 'bench-npm-script-')), 'package.json');
  writeFileSync(path, JSON.stringify({ scripts }));
  return path;
};

it('when an npm script starts node directly or through tools/current-node.sh, then the bench gets its flags and file', () => {
  const path = packageJson({
    worker: 'bash tools/current-node.sh --max-old-space-size=256 dist/main/worker.js',
    api: 'node --max-old-space-size=256 dist/main/api.js',
    other: 'tsx main.ts',
  });

  expect(npmScriptCommand(path, 'worker')).toEqual({ nodeArgs: ['--max-old-space-size=256'], file: 'dist/main/worker.js' });
  expect(npmScriptCommand(path, 'api')).toEqual({ nodeArgs: ['--max-old-space-size=256'], file: 'dist/main/api.js' });
  expect(() => npmScriptCommand(path, 'other')).toThrow('npm run other is not "node [flags] file"');
});
