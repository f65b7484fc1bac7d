import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../temporal/workflows-path.js';

/** Child entry of bundleWorkflowsApart: bundles `workflowsPath` and writes the code to argv[2]. */
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (message: string) => console.error(message) };
const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
writeFileSync(process.argv[2]!, code);
