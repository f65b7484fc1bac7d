import { parseArgs } from 'node:util';

/** What an admin invocation asks for, after its arguments were checked. */
export type AdminCommand =
  | { kind: 'help' }
  | { kind: 'org-create'; name: string }
  | { kind: 'org-list' }
  | { kind: 'key-list'; organizationId: string }
  | { kind: 'key-create'; organizationId: string }
  | { kind: 'key-revoke'; prefix: string };

export const adminUsage = `usage: npm run -s admin -- <command>
  org create --name NAME       create an organization and its first API key
  org list                     list the organizations (id, name, created_at)
  key create --org ORG_ID      create another API key for an organization
  key list --org ORG_ID        list an organization's keys (prefix, created_at, revoked; never the key)
  key revoke --key-prefix P    revoke the API key whose prefix is P
Each command prints one JSON line on stdout. The database must be migrated first (npm run migrate, or npm start).`;

/** Bad arguments: the CLI prints the message and the usage, and exits 2. */
export class AdminUsageError extends Error {
  readonly type = 'usage';
}

const options = {
  name: { type: 'string' },
  org: { type: 'string' },
  'key-prefix': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = { [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'string' ? string : boolean };

function noOptions(values: Values, command: string): void {
  const given = (['name', 'org', 'key-prefix'] as const).filter((key) => values[key] !== undefined);
  if (given.length > 0) throw new AdminUsageError(`${command} does not take ${given.map((o) => `--${o}`).join(', ')}`);
}

function required(values: Values, key: 'name' | 'org' | 'key-prefix', command: string): string {
  const value = values[key]?.trim();
  if (!value) throw new AdminUsageError(`${command} needs --${key}`);
  const extra = (['name', 'org', 'key-prefix'] as const).filter((other) => other !== key && values[other] !== undefined);
  if (extra.length > 0) throw new AdminUsageError(`${command} does not take ${extra.map((o) => `--${o}`).join(', ')}`);
  return value;
}

export function parseAdminArgs(argv: string[]): AdminCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new AdminUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { kind: 'help' };
  const command = positionals.join(' ');
  switch (command) {
    case 'org create':
      return { kind: 'org-create', name: required(values, 'name', command) };
    case 'org list':
      noOptions(values, command);
      return { kind: 'org-list' };
    case 'key create':
      return { kind: 'key-create', organizationId: required(values, 'org', command) };
    case 'key list':
      return { kind: 'key-list', organizationId: required(values, 'org', command) };
    case 'key revoke':
      return { kind: 'key-revoke', prefix: required(values, 'key-prefix', command) };
    default:
      throw new AdminUsageError(`unknown command: ${command}`);
  }
}
