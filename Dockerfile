# One image for the api, the worker and the one-shot jobs (migrate, temporal:setup); compose picks the command.
FROM node:24-slim

WORKDIR /app
ENV NODE_ENV=production

# tsx runs the TypeScript sources, so it is a production dependency: --omit=dev keeps it and drops
# only the test and type-checking tools.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .
USER node

EXPOSE 3000
CMD ["npm", "run", "api"]
