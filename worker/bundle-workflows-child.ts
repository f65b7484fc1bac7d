import { writeWorkflowBundle } from './write-workflow-bundle.js';

/** Child entry of bundleWorkflowsApart: bundles the workflows and writes the code to argv[2]. */
await writeWorkflowBundle(process.argv[2]!);
