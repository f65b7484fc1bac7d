import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatViolation, importSpecifiers, layerViolations, placeFile } from '../../support/import-layers.js';

const projectRoot = join(import.meta.dirname, '..', '..', '..');

/** Folders that are not the service's source: dependencies, build output, tools, and the tests themselves. */
const notSource = new Set(['node_modules', 'dist', 'test']);

/** Every .ts file of the service, project-relative with `/` separators. */
function serviceFiles(folder = projectRoot): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') || notSource.has(entry.name) ? [] : serviceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(projectRoot, path).split(sep).join('/')] : [];
  });
}

const reported = (file: string, source: string) => layerViolations(file, source).map(formatViolation);

describe('import layers (README, Architecture)', () => {
  it('when every service file is read, then no import runs up the layer order or across one row', () => {
    const files = serviceFiles();
    expect(files).toContain('workflows/index.ts');
    expect(files.filter((file) => file.startsWith('test/'))).toEqual([]);

    const violations = files.flatMap((file) => reported(file, readFileSync(join(projectRoot, file), 'utf8')));

    expect(violations).toEqual([]);
  });

  it('when db/ imports api/, then the upward import is reported as from -> to', () => {
    expect(reported('db/x.ts', "import { y } from '../api/y.js';")).toEqual(['db/x.ts -> api/y.ts: upward: db (row 2) -> api (row 6)']);
  });

  it('when api/ imports worker/ (even as a type), then the same-row import is reported', () => {
    expect(reported('api/x.ts', "import type { Worker } from '../worker/create-worker.js';")).toEqual([
      'api/x.ts -> worker/create-worker.ts: same row 6: api -> worker',
    ]);
  });

  it('when the sandbox imports the service config, then it is reported: the sandbox imports nothing outside sandbox/', () => {
    expect(reported('sandbox/main.ts', "import { loadConfig } from '../config/config.js';")).toEqual([
      'sandbox/main.ts -> config/config.ts: the sandbox is a separate program: it imports nothing outside sandbox/',
    ]);
  });

  it('when a row below the assembly imports the sandbox, then it is reported, and the assembly, tools and tests may', () => {
    const source = "import { startSandbox } from '../sandbox/server.js';";
    expect(reported('carrier/x.ts', source)).toEqual(['carrier/x.ts -> sandbox/server.ts: only rows 7-10 may import the sandbox (carrier is on row 2)']);
    expect(reported('assembly/x.ts', source)).toEqual([]);
    expect(reported('chaos/x.ts', source)).toEqual([]);
  });

  it('when a tool imports test/, then it is reported as upward', () => {
    expect(reported('chaos/x.ts', "import { freePort } from '../test/support/free-port.js';")).toEqual([
      'chaos/x.ts -> test/support/free-port.ts: upward: chaos (row 9) -> test (row 10)',
    ]);
  });

  it('when an entry point imports the assembly, then nothing is reported, but the run-time code it starts importing an entry point is', () => {
    expect(reported('main/worker.ts', "import { assemble } from '../assembly/assemble.js';")).toEqual([]);
    expect(reported('worker/create-worker.ts', "import '../main/worker.js';")).toEqual(['worker/create-worker.ts -> main/worker.ts: upward: worker (row 6) -> main (row 8)']);
    expect(reported('main/api.ts', "import '../local/start.js';")).toEqual(['main/api.ts -> local/start.ts: same row 8: main -> local']);
  });

  it('when domain/ imports a package other than @temporalio/common or /workflow, then it is reported', () => {
    expect(reported('domain/x.ts', "import { createHash } from 'node:crypto';\nimport { ApplicationFailure } from '@temporalio/common';")).toEqual([
      'domain/x.ts -> node:crypto: domain/ imports no package but @temporalio/common and @temporalio/workflow',
    ]);
  });

  it('when a file sits in a folder the table does not name, then its imports are reported until the folder gets a row', () => {
    expect(reported('jobs/x.ts', "import { loadConfig } from '../config/config.js';")).toEqual(['jobs/x.ts -> config/config.ts: jobs/ is not in the layer table']);
    expect(placeFile('jobs/x.ts').row).toBeUndefined();
  });

  it('when a source has every import form, then each specifier is found and strings and comments are not', () => {
    const source = [
      "import type { A } from './a.js';",
      "export * from '../b.js';",
      "export { c } from '../c.js';",
      "import '../side.js';",
      "const dynamic = await import('../dynamic.js');",
      'import {',
      '  d,',
      "} from '../d.js';",
      "const text = \"import x from '../in-a-string.js'\";",
      "// import y from '../in-a-comment.js'",
    ].join('\n');

    expect(importSpecifiers(source)).toEqual(['./a.js', '../b.js', '../c.js', '../side.js', '../dynamic.js', '../d.js']);
  });
});
