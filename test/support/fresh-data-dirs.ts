import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * For the calling test file: a function answering a new, not yet created `data` folder inside a fresh temp
 * folder (named after `prefix`) each call; every one is removed after each test.
 */
export function freshDataDirs(prefix: string): () => string {
  const folders: string[] = [];
  afterEach(() => {
    for (const dir of folders.splice(0)) rmSync(join(dir, '..'), { recursive: true, force: true });
  });
  return () => {
    const dir = join(mkdtempSync(join(tmpdir(), `${prefix}-`)), 'data');
    folders.push(dir);
    return dir;
  };
}
