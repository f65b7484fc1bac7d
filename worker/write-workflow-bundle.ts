import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../temporal/workflows-path.js';

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (message: string) => console.error(message) };

/** Bundles `workflowsPath` (webpack) and writes the code to `codePath`, the file `workflowBundle: { codePath }` loads. */
export async function writeWorkflowBundle(codePath: string): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  mkdirSync(dirname(codePath), { recursive: true });
  writeFileSync(codePath, code);
}
