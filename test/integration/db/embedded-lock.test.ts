import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../db/connect.js';
import { EmbeddedDatabaseLockedError, embeddedLockFile } from '../../../db/embedded-lock.js';

/** The pid of a process that has exited, so no live process has it (until the OS reuses it). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('embedded database lock', () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedded-lock-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('when the embedded database is open, then a second open is refused with the folder, the holder and what to do, and after the first closes a new open works', async () => {
    const dataDir = scratch();
    const first = createDatabase({ dataDir });
    await sql`select 1`.execute(first);

    let refused: unknown;
    try {
      createDatabase({ dataDir });
    } catch (error) {
      refused = error;
    }

    expect(refused).toBeInstanceOf(EmbeddedDatabaseLockedError);
    const message = (refused as Error).message;
    expect(message).toContain(`the embedded database in ${join(dataDir, 'pglite')} is in use by process ${process.pid}`);
    expect(message).toContain('stop that process first, or set DATABASE_URL to a PostgreSQL server');

    await first.destroy();
    expect(existsSync(embeddedLockFile(dataDir))).toBe(false);
    const again = createDatabase({ dataDir });
    try {
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(again);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await again.destroy();
    }
  });

  it('when the embedded database is closed without any query, then its lock is still released', async () => {
    const dataDir = scratch();
    await createDatabase({ dataDir }).destroy();

    expect(existsSync(embeddedLockFile(dataDir))).toBe(false);
  });

  it('when the lock was left by a process that is gone, then the next open takes it over', async () => {
    const dataDir = scratch();
    const stale = deadPid();
    writeFileSync(embeddedLockFile(dataDir), `${stale}\n`);

    const db = createDatabase({ dataDir });
    try {
      expect(readFileSync(embeddedLockFile(dataDir), 'utf8').trim()).toBe(String(process.pid));
      await sql`select 1`.execute(db);
    } finally {
      await db.destroy();
    }
  });

  it('when another live process holds the lock, then the open is refused naming that process', () => {
    const dataDir = scratch();
    // The parent of this test process is alive for the whole test and is not this process.
    writeFileSync(embeddedLockFile(dataDir), `${process.ppid}\n`);

    expect(() => createDatabase({ dataDir })).toThrow(`is in use by process ${process.ppid}`);
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    expect(readFileSync(embeddedLockFile(dataDir), 'utf8').trim()).toBe(String(process.ppid));
  });
});
