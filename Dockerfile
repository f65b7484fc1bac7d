# One image for the api, the worker and the one-shot jobs (migrate, temporal:setup); compose picks the command.
FROM node:24-slim

WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --include=dev --no-audit --no-fund

# `npm run api` and `npm run worker` run the compiled dist/: build it here, then drop the build and
# test tools. tsx stays (a production dependency): migrate, admin and temporal:setup run the sources.
COPY --chown=node:node . .
RUN npm run build && npm prune --omit=dev && npm cache clean --force

ENV NODE_ENV=production
# The image already holds dist/, so `npm run api` skips its pre-script (the build, whose tools are gone).
ENV npm_config_ignore_scripts=true
USER node

EXPOSE 3000
CMD ["npm", "run", "api"]
