import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../ops/cli-args.js';
import { profiles, type Profile } from './profiles.js';

export interface ChaosOptions {
  profile: Profile;
  seed: number;
  /** Write the report as JSON here too. */
  jsonFile: string;
  /** Keep the temp folder (logs, Temporal SQLite) even when every invariant passed. */
  keep: boolean;
}

export const usage = `usage: npm run chaos -- [--profile ci|long] [--seed N] [--duration SECONDS] [--json FILE (default chaos/results/latest.json)] [--keep]

A bounded soak on a local loopback stack with faults injected on a seeded schedule; exits 1 when an
invariant is violated, 2 on bad arguments. Needs PostgreSQL (CHAOS_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres) and the Temporal CLI (npm run install:temporal-cli).`;

/** Where each run writes its report as JSON unless `--json FILE` says otherwise; the docs cite it. */
export const defaultReportFile = fileURLToPath(new URL('./results/latest.json', import.meta.url));

/** The chaos run's options; bad ones are a UsageError, and `--help` one with no message. */
export function parseChaosOptions(argv: string[]): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string', default: 'ci' },
      seed: { type: 'string' },
      duration: { type: 'string' },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError('');
  const base = profiles[values.profile];
  if (!base) throw new UsageError(`unknown profile ${values.profile}; one of ${Object.keys(profiles).join(', ')}`);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
  const durationS = values.duration === undefined ? base.durationMs / 1000 : Number(values.duration);
  if (!Number.isFinite(durationS) || durationS < 20) throw new UsageError('--duration must be a number of seconds >= 20');
  return { profile: { ...base, durationMs: Math.round(durationS * 1000) }, seed, jsonFile: values.json ?? defaultReportFile, keep: values.keep };
}
