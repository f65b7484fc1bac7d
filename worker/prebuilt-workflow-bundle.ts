import { accessSync, constants } from 'node:fs';
import { ConfigError } from '../config/config.js';

/**
 * The bundle WORKFLOW_BUNDLE_PATH names (`node dist/ops/bundle-workflows-cli.js` wrote it at image build),
 * for `workflowBundle: { codePath }`: the worker starts without webpack. Checked here, so a missing file
 * stops the worker at start naming the key.
 */
export function prebuiltWorkflowBundle(codePath: string): { codePath: string } {
  try {
    accessSync(codePath, constants.R_OK);
  } catch (error) {
    throw new ConfigError([`WORKFLOW_BUNDLE_PATH: cannot read ${codePath} (${error instanceof Error ? error.message : String(error)})`]);
  }
  return { codePath };
}
