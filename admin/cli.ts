import { ConfigError, loadConfig } from '../config/config.js';
import { createDatabase } from '../db/connect.js';
import { EmbeddedDatabaseLockedError } from '../db/embedded-lock.js';
import { AdminUsageError, adminUsage, parseAdminArgs, type AdminCommand } from './args.js';
import { AdminCommandError, assertSchemaMigrated, runAdminCommand } from './commands.js';

function parse(argv: string[]): AdminCommand | null {
  try {
    return parseAdminArgs(argv);
  } catch (error) {
    if (!(error instanceof AdminUsageError)) throw error;
    console.error(`error: ${error.message}\n${adminUsage}`);
    process.exitCode = 2;
    return null;
  }
}

async function main(): Promise<void> {
  const command = parse(process.argv.slice(2));
  if (!command) return;
  if (command.kind === 'help') {
    console.log(adminUsage);
    return;
  }
  const config = loadConfig();
  const db = createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    await assertSchemaMigrated(db);
    console.log(JSON.stringify(await runAdminCommand(db, command)));
  } finally {
    await db.destroy();
  }
}

try {
  await main();
} catch (error) {
  const known = error instanceof AdminCommandError || error instanceof ConfigError || error instanceof EmbeddedDatabaseLockedError;
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  if (!known && error instanceof Error && process.env.LOG_LEVEL === 'debug') console.error(error.stack);
  process.exitCode = 1;
}
