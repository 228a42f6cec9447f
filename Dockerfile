# syntax=docker/dockerfile:1
# The OpenGemini pool in a container. Two stages: the workspace is installed and the pool built
# with pnpm (through npx, as the README does), then only the pool's bundle, pool/dist/main.js (one
# self-contained file, no node_modules), goes into a small image that runs as a non-root user.
#
#   docker build -t opengemini-pool .
#   docker compose up -d          (see docker-compose.yml for the volumes)

FROM node:22-bookworm-slim AS build
WORKDIR /src
# Manifests first, so the dependency layer is reused while only the sources change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY shared/package.json shared/
COPY worker/package.json worker/
COPY pool/package.json pool/
COPY tools/package.json tools/
# npm's registry, for npx fetching pnpm and for pnpm alike; from mainland China:
#   docker compose build --build-arg npm_config_registry=https://registry.npmmirror.com
ARG npm_config_registry=https://registry.npmjs.org/
RUN npx -y pnpm@10 install --frozen-lockfile
# Then the sources (.dockerignore keeps out node_modules, builds, secrets and state).
COPY . .
RUN npx -y pnpm@10 --filter @opengemini/pool run build

FROM node:22-alpine
ENV NODE_ENV=production \
    PORT=7777 \
    HOST=0.0.0.0 \
    KEY_FILE=/config/key.txt \
    UPSTREAM_FILE=/config/upstreams.txt \
    CLIENT_KEYS_FILE=/config/client_keys.txt \
    ACCESS_KEY_FILE=/data/access_key.txt \
    DATA_DIR=/data/state
WORKDIR /app
COPY --from=build /src/pool/dist/main.js /app/main.js
# /config holds key.txt and upstreams.txt (the dashboard edits them); /data the client key and
# the state. Both belong to the image's non-root user `node` (uid 1000).
RUN mkdir -p /config /data && chown node:node /config /data
USER node
VOLUME ["/data"]
EXPOSE 7777
# Liveness: /health answers without a key. Node's own fetch, as the image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 7777) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) lets streams finish and saves state; give it the grace period.
STOPSIGNAL SIGTERM
CMD ["node", "/app/main.js"]
