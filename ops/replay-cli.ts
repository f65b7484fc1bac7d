import { relative, resolve } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../config/config.js';
import { workflowsPath as currentWorkflowsPath } from '../temporal/workflows-path.js';
import { parseOptions, runCli, UsageError } from './cli-args.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';
import { payloadDataConverter } from '../temporal/payload-codec/data-converter.js';
import { fetchHistory, readHistoryFile } from '../temporal/history-source.js';
import { replayHistory } from '../temporal/replay.js';

const usage = `usage: npm run replay -- --workflow-id ID [--run-id RUN_ID]
       npm run replay -- --file HISTORY.json [--workflow-id ID]

Replays one workflow history against the current workflow code (exit 0), or prints the
determinism error (exit 1). Without --file the history comes from TEMPORAL_ADDRESS
(default 127.0.0.1:7233) in TEMPORAL_NAMESPACE (default "default"). Encrypted payloads are
decrypted with PAYLOAD_CODEC_KEYS.
  --workflows-path PATH  replay against other workflow code (default: workflows/index.ts)`;

await runCli(usage, async () => {
  const options = parseOptions(process.argv.slice(2), {
    required: [],
    optional: ['workflow-id', 'run-id', 'file', 'workflows-path'],
  });
  if (!options['workflow-id'] && !options.file) throw new UsageError('give --workflow-id, --file, or both');
  if (options.file && options['run-id']) throw new UsageError('--run-id only applies when fetching from the server');
  const config = loadConfig();
  const target = { connection: temporalConnectionOptions(config), namespace: config.TEMPORAL_NAMESPACE };
  const workflowsPath = options['workflows-path'] ? resolve(options['workflows-path']) : currentWorkflowsPath;
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const history = options.file
    ? await readHistoryFile(options.file)
    : await fetchHistory(target, options['workflow-id']!, options['run-id']);
  const source = options.file ?? `${options['workflow-id']} on ${target.connection.address}/${target.namespace}`;
  const outcome = await replayHistory({ history, workflowsPath, workflowId: options['workflow-id'], dataConverter: payloadDataConverter(config) });
  const code = relative(process.cwd(), workflowsPath);
  if (outcome.ok) {
    console.log(`replayed ${source} (${outcome.events} events) against ${code}: deterministic`);
    return 0;
  }
  const encrypted = outcome.error.message.includes('Unknown encoding: binary/encrypted');
  const hint = encrypted ? '\nThe history holds encrypted payloads: set PAYLOAD_CODEC_KEYS to the keys that wrote them.' : '';
  console.error(`replay of ${source} (${outcome.events} events) against ${code} failed:\n${outcome.error.name}: ${outcome.error.message}${hint}`);
  return 1;
});
