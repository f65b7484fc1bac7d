// Guards workflow code: what `workflows/` bundles runs in Temporal's deterministic sandbox and is replayed.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/** Workflow code and the Node-free modules it imports as values. */
export const workflowCode = ['workflows/**/*.ts', 'domain/**/*.ts'];

const nodeBuiltin = `node:|(?:${builtinModules.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})(?:/|$)`;
const workflowSafe = String.raw`@temporalio/(?:workflow|common)$|\./|\.\./(?:domain|workflows)/`;
const whyActivity = 'do it in an activity (activities/) and call it through proxyActivities';

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.data/', 'dist/'] },
  {
    files: workflowCode,
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          {
            regex: `^(?:${nodeBuiltin})`,
            allowTypeImports: true,
            message: `Node built-in modules do not exist in the workflow sandbox: ${whyActivity}.`,
          },
          {
            regex: `^(?!${workflowSafe}|${nodeBuiltin})`,
            allowTypeImports: true,
            message: 'Workflow code imports values only from @temporalio/workflow, @temporalio/common, workflows/ and domain/; `import type` anything else.',
          },
        ],
      }],
      'no-restricted-globals': ['error',
        ...['process', 'require', 'module', '__dirname', '__filename', 'Buffer'].map((name) => ({
          name, message: `Node's ${name} does not exist in the workflow sandbox: ${whyActivity}.`,
        })),
        ...['crypto', 'performance', 'fetch', 'XMLHttpRequest', 'WebSocket', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'WeakRef', 'FinalizationRegistry'].map((name) => ({
          name, message: `${name} is nondeterministic or missing in workflows: ${whyActivity}, or use sleep()/condition()/uuid4() from @temporalio/workflow.`,
        })),
      ],
      'no-restricted-properties': ['error',
        ...['process', 'crypto', 'performance', 'fetch', 'require'].map((property) => ({
          object: 'globalThis', property, message: `globalThis.${property} is not workflow-safe: ${whyActivity}.`,
        })),
      ],
      'no-restricted-syntax': ['error', {
        selector: 'ImportExpression',
        message: 'Dynamic import() escapes the workflow bundle: import statically from workflow-safe modules.',
      }],
    },
  },
);
