import { resolve } from 'node:path';
import { writeWorkflowBundle } from '../worker/write-workflow-bundle.js';
import { parseOptions, runCli } from './cli-args.js';

const usage = `usage: node dist/ops/bundle-workflows-cli.js [--out FILE]   (default dist/workflow-bundle.js)

Bundles the workflows into one file for WORKFLOW_BUNDLE_PATH, so the worker starts without bundling
(the Dockerfile runs it after npm run build). Rebuild it with every change to workflows/.`;

await runCli(usage, async () => {
  const { out } = parseOptions(process.argv.slice(2), { required: [], optional: ['out'] });
  const codePath = resolve(out ?? 'dist/workflow-bundle.js');
  await writeWorkflowBundle(codePath);
  console.log(`workflow bundle written to ${codePath}`);
  return 0;
});
