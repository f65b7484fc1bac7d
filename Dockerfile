# One image for the api, the worker, the sandbox and the one-shot jobs (migrate, temporal:setup, admin);
# compose picks the command. Two stages: the build tools (tsc and every dev dependency) stay in the first.

# Build: all dependencies, then tsc compiles the processes, the CLIs and the sandbox into dist/, and the
# workflows are bundled (webpack) into dist/workflow-bundle.js, so the worker starts without bundling.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
RUN node dist/ops/bundle-workflows-cli.js --out dist/workflow-bundle.js

# Runtime: production dependencies only (no tsc, no tsx, no vitest) and the compiled dist/.
FROM node:24-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
# The worker loads the bundle built above (workflowBundle: { codePath }) instead of bundling at start.
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# DATA_DIR (.data) is where the sandbox keeps its state; a named volume mounted here inherits the owner.
RUN mkdir -p .data && chown node:node .data
USER node

EXPOSE 3000
# Every node process of the image (compose's commands too) caps V8's young generation as the npm scripts do:
# Node 24 lets each semi-space grow to 64 MB (Node 20: 16), in each V8 heap (the worker has two, its own and
# the workflow thread's); see "What is tuned" in docs/performance.md.
ENV NODE_OPTIONS="--max-semi-space-size=8"
# Processes start with node, not npm: signals reach them directly and no npm pre-script runs.
CMD ["node", "--max-old-space-size=256", "dist/main/api.js"]
