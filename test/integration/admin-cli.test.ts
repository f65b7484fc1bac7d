import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { lockEmbeddedDatabase } from '../../db/embedded-lock.js';
import { findOrganizationIdByApiKey } from '../../db/repositories/api-keys.js';
import { connectTestDatabase } from '../support/test-database.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with the test's environment minus DATABASE_URL, plus `env`. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(command, args, { env: { ...inherited, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function admin(args: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: inject('databaseUrl') }): Promise<Run> {
  return run('npx', ['tsx', 'admin/cli.ts', ...args], env);
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

  it('when the organizations are listed, then one JSON line names each with its id, name and creation time', async () => {
    const name = `Listed ${randomUUID()}`;
    const created = jsonLine(await admin(['org', 'create', '--name', name]));

    const listed = jsonLine(await admin(['org', 'list'])) as unknown as { organizations: Record<string, string>[] };

    const mine = listed.organizations.find((organization) => organization.id === created.organization_id);
    expect(mine).toEqual({ id: created.organization_id, name, created_at: expect.any(String) });
    expect(Number.isNaN(Date.parse(mine!.created_at!))).toBe(false);
  });

  it("when an organization's keys are listed, then each shows its prefix, creation time and whether it is revoked, never the key or its hash", async () => {
    const created = jsonLine(await admin(['org', 'create', '--name', 'Keys']));
    const second = jsonLine(await admin(['key', 'create', '--org', created.organization_id!]));
    jsonLine(await admin(['key', 'revoke', '--key-prefix', second.prefix!]));

    const run = await admin(['key', 'list', '--org', created.organization_id!]);
    const listed = jsonLine(run) as unknown as { organization_id: string; keys: Record<string, unknown>[] };

    expect(listed.organization_id).toBe(created.organization_id);
    expect(listed.keys.map((key) => [key.prefix, key.revoked])).toEqual(
      expect.arrayContaining([
        [created.api_key!.slice(0, 12), false],
        [second.prefix, true],
      ]),
    );
    expect(listed.keys).toHaveLength(2);
    for (const key of listed.keys) expect(Object.keys(key).sort()).toEqual(['created_at', 'prefix', 'revoked', 'revoked_at']);
    expect(run.stdout).not.toContain(created.api_key!);
    expect(run.stdout).not.toContain(second.api_key!);
  });

  it('when no DATABASE_URL is set and the embedded database is not migrated, then it says to run the migrations, and after `npm run migrate` it works', async () => {
    const env = { DATA_DIR: scratch };
    const unmigrated = await admin(['org', 'create', '--name', 'Local'], env);

    expect(unmigrated.code).toBe(1);
    expect(unmigrated.stdout).toBe('');
    expect(unmigrated.stderr).toContain('the database is not migrated');
    expect(unmigrated.stderr).toContain('run `npm run migrate`');

    const migrated = await run('npx', ['tsx', 'ops/migrate-cli.ts'], env);
    expect(migrated, migrated.stderr).toMatchObject({ code: 0 });
    const created = jsonLine(await admin(['org', 'create', '--name', 'Local'], env));

    expect(created.organization_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await findOrganizationIdByApiKey(db, created.api_key!)).toBeNull();
  });

  it('when another process holds the embedded database, then it exits 1 naming the folder and that process, and opens nothing', async () => {
    const held = mkdtempSync(join(tmpdir(), 'admin-cli-held-'));
    const release = lockEmbeddedDatabase(held);
    try {
      const refused = await admin(['org', 'list'], { DATA_DIR: held });

      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain(`the embedded database in ${join(held, 'pglite')} is in use by process ${process.pid}`);
      expect(refused.stderr).toContain('set DATABASE_URL');
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(held, 'pglite'))).toBe(false);
    } finally {
      release();
      rmSync(held, { recursive: true, force: true });
    }
  });
});
