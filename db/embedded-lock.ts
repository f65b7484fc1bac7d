import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Another live process holds the embedded database. PGlite has no lock between processes, so two
 * of them writing the same folder can corrupt it; the second one stops here instead.
 */
export class EmbeddedDatabaseLockedError extends Error {
  constructor(
    readonly folder: string,
    readonly holderPid: number | null,
  ) {
    super(
      `the embedded database in ${folder} is in use by ${holderPid === null ? 'another process' : `process ${holderPid}`} (a running \`npm start\`?). ` +
        'Only one process may open it: stop that process first, or set DATABASE_URL to a PostgreSQL server that several processes can share.',
    );
    this.name = 'EmbeddedDatabaseLockedError';
  }
}

/** The lock file beside the embedded database's folder; it holds the pid of the process that has it open. */
export function embeddedLockFile(dataDir: string): string {
  return join(dataDir, 'pglite.lock');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function readHolder(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Creates the lock file holding our pid, or returns false when one exists. The pid is written to a
 * file of our own first and then hard-linked into place, which fails atomically if the lock exists,
 * so no one ever reads a lock file without its pid.
 */
function createLockFile(file: string): boolean {
  const mine = `${file}.${process.pid}.${randomUUID()}`;
  writeFileSync(mine, `${process.pid}\n`, { flag: 'wx' });
  try {
    linkSync(mine, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(mine);
  }
}

/**
 * Takes the exclusive lock on the embedded database under `dataDir` for this process, or throws
 * {@link EmbeddedDatabaseLockedError} naming the folder and the pid that holds it. A lock left by a
 * process that is gone (killed, crashed) is taken over. Synchronous, so a caller cannot start
 * opening the database before the lock is settled.
 *
 * Returns the release: it removes the lock file (only while it is still ours) and is safe to call twice.
 * The lock is also released when the process exits without calling it.
 */
export function lockEmbeddedDatabase(dataDir: string, folder = join(dataDir, 'pglite')): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = embeddedLockFile(dataDir);
  // Two rounds: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createLockFile(file)) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        if (readHolder(file) === process.pid) unlinkSync(file);
      };
      process.on('exit', release);
      return release;
    }
    const holder = readHolder(file);
    if (holder !== null && isAlive(holder)) throw new EmbeddedDatabaseLockedError(folder, holder);
    // Removing then re-creating leaves a window where two processes that both saw the same stale
    // lock race; 'wx' still lets only one of them create the new file.
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  // Someone else created it between our removal of the stale lock and our second try.
  throw new EmbeddedDatabaseLockedError(folder, readHolder(file));
}
