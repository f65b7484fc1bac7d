import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findOrganizationIdByApiKey } from '../../db/repositories/api-keys.js';
import { connectTestDatabase } from '../support/test-database.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function admin(args: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: inject('databaseUrl') }): Promise<Run> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'admin/cli.ts', ...args], { env: { ...inherited, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The one JSON line a successful command prints. */
function jsonLine(run: Run): Record<string, string> {
  expect(run, run.stderr).toMatchObject({ code: 0 });
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

describe('admin CLI', () => {
  const db = connectTestDatabase();
  const scratch = mkdtempSync(join(tmpdir(), 'admin-cli-'));
  afterAll(async () => {
    await db.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('when an organization is created, then its key authenticates, and a revoked key stops while the others still work', async () => {
    const created = jsonLine(await admin(['org', 'create', '--name', `Acme ${randomUUID()}`]));
    expect(Object.keys(created)).toEqual(['organization_id', 'api_key']);
    expect(await findOrganizationIdByApiKey(db, created.api_key!)).toBe(created.organization_id);

    const second = jsonLine(await admin(['key', 'create', '--org', created.organization_id!]));
    expect(second).toMatchObject({ organization_id: created.organization_id, prefix: second.api_key!.slice(0, second.prefix!.length) });
    expect(await findOrganizationIdByApiKey(db, second.api_key!)).toBe(created.organization_id);

    const revoked = jsonLine(await admin(['key', 'revoke', '--key-prefix', second.prefix!]));

    expect(revoked).toEqual({ revoked: true, prefix: second.prefix });
    expect(await findOrganizationIdByApiKey(db, second.api_key!)).toBeNull();
    expect(await findOrganizationIdByApiKey(db, created.api_key!)).toBe(created.organization_id);
  });

  it('when a key is revoked twice, then the second time fails with a clear error', async () => {
    const created = jsonLine(await admin(['org', 'create', '--name', 'Twice']));
    const prefix = created.api_key!.slice(0, 12);
    jsonLine(await admin(['key', 'revoke', '--key-prefix', prefix]));

    const again = await admin(['key', 'revoke', '--key-prefix', prefix]);

    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no active API key with prefix ${prefix}`);
  });

  it('when the organization id is unknown or malformed, then it exits 1 with one clear line and no stack trace', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const run = await admin(['key', 'create', '--org', id]);

      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim()).toBe(`error: no organization with id ${id}`);
    }
  });

  it('when the arguments are wrong, then it exits 2 with the usage', async () => {
    for (const args of [['org', 'create'], ['key', 'create', '--nope', '1']]) {
      const run = await admin(args);

      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('usage: npm run -s admin -- <command>');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('when no DATABASE_URL is set, then it migrates a fresh embedded database under DATA_DIR and creates the organization there', async () => {
    const created = jsonLine(await admin(['org', 'create', '--name', 'Local'], { DATA_DIR: scratch }));

    expect(created.organization_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await findOrganizationIdByApiKey(db, created.api_key!)).toBeNull();
  });
});
