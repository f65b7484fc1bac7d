import { siblingModulePath } from './sibling-module.js';

/** The workflowsPath entry: deterministic code only, bundled by the worker and replayed by `npm run replay`. */
export const workflowsPath = siblingModulePath('../workflows/index', import.meta.url);
