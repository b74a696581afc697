# One image for both processes; docker-compose.yml picks the command (api, worker, migrate).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && node dist/libs/temporal/bundle.cli.js dist/workflow-bundle.js && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The evidence pack's offline verifier ships as the source file auditors read.
COPY --from=build /app/libs/evidence/verify.mjs ./libs/evidence/verify.mjs
COPY package.json ./
# The checkpoint sink (docker-compose mounts a volume here), writable by the service user only.
RUN mkdir -p /var/lib/jml/checkpoints && chown node:node /var/lib/jml/checkpoints && chmod 700 /var/lib/jml/checkpoints
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
