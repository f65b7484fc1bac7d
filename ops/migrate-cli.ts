import { loadConfig } from '../config/config.js';
import { createDatabase } from '../db/connect.js';
import { assertMigrated, createMigrator } from '../db/migrator.js';

const usage = 'usage: npm run migrate -- [up|down|latest]   (default: latest)';

const direction = process.argv[2] ?? 'latest';
if (!['up', 'down', 'latest'].includes(direction)) {
  console.error(usage);
  process.exit(2);
}

/** Runs the migrations; a failure (a bad config, a database in use by `npm start`, a failed migration) is one line and exit 1. */
async function migrate(): Promise<number> {
  const config = loadConfig();
  const db = createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const migrator = createMigrator(db);
    const resultSet =
      direction === 'up' ? await migrator.migrateUp() : direction === 'down' ? await migrator.migrateDown() : await migrator.migrateToLatest();
    for (const result of resultSet.results ?? []) {
      console.log(`${result.direction.toLowerCase()} ${result.migrationName}: ${result.status}`);
    }
    if (resultSet.results?.length === 0) console.log('nothing to migrate');
    assertMigrated(resultSet);
    return 0;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await migrate().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
});
