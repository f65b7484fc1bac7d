import { parseArgs } from 'node:util';

/** Bad command-line arguments: the CLI prints the message and its usage, then exits 2. */
export class UsageError extends Error {
  readonly type = 'usage';
}

/** Parses `--name value` options; unknown flags, positionals, missing values and missing required options are usage errors. */
export function parseOptions<Name extends string>(
  argv: string[],
  names: { required: readonly Name[]; optional: readonly Name[] },
): Record<Name, string | undefined> {
  const all = [...names.required, ...names.optional];
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(all.map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const missing = names.required.filter((name) => typeof values[name] !== 'string' || values[name] === '');
  if (missing.length) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  return values as Record<Name, string | undefined>;
}

/** Runs a CLI's main: its resolved number is the exit code; usage errors exit 2, anything else 1. */
export async function runCli(usage: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${usage}`);
      process.exitCode = 2;
      return;
    }
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
