import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { loadConfig } from '../config/config.js';
import { parseOptions, runCli } from './cli-args.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';
import { fetchHistory } from '../temporal/history-source.js';

const usage = `usage: npm run history:export -- --workflow-id ID --out FILE [--run-id RUN_ID]

Saves one workflow history (latest run unless --run-id) from TEMPORAL_ADDRESS (default
127.0.0.1:7233) in TEMPORAL_NAMESPACE as JSON that \`npm run replay -- --file FILE\` and
Worker.runReplayHistory load. Encrypted payloads stay encrypted in the file; replay decrypts
them with PAYLOAD_CODEC_KEYS.`;

await runCli(usage, async () => {
  const options = parseOptions(process.argv.slice(2), { required: ['workflow-id', 'out'], optional: ['run-id'] });
  const config = loadConfig();
  const target = { connection: temporalConnectionOptions(config), namespace: config.TEMPORAL_NAMESPACE };
  const history = await fetchHistory(target, options['workflow-id']!, options['run-id']);
  await mkdir(dirname(options.out!), { recursive: true });
  // historyToJSON, not JSON.stringify: proto longs and enums must round-trip through historyFromJSON.
  await writeFile(options.out!, historyToJSON(history));
  console.log(`saved ${history.events?.length ?? 0} events of ${options['workflow-id']} to ${options.out}`);
  return 0;
});
