# syntax=docker/dockerfile:1
# The g2g node image:  docker build -t g2g:0.1.0 .
# Three stages: build (npm ci with dev dependencies, tsc, npm pack), deps (the packed package and
# its production dependencies only, from the lock file), and the runtime on a slim Node 20 base
# as a non-root user. No secret is baked in: the token or ticket comes from the environment
# (a Kubernetes Secret, an env file) at run time. test/integration/image-steps.test.ts runs these
# steps outside a container (no container runtime in CI), so keep their commands relative to
# WORKDIR and the stage layout as it is.

FROM node:20-slim AS build
WORKDIR /src
# The lock file alone first: the dependency layer is reused until it changes.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
RUN npm pack --pack-destination /pkg && mv /pkg/g2g-*.tgz /pkg/g2g.tgz

FROM node:20-slim AS deps
WORKDIR /opt/g2g
COPY --from=build /pkg/g2g.tgz /src/package-lock.json ./
# The package as npm publishes it (package.json "files"), and exactly the locked production
# dependencies; no install scripts run (none is needed at run time).
RUN tar -xzf g2g.tgz --strip-components=1 && rm g2g.tgz && npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-slim
ENV NODE_ENV=production \
    G2G_DATA_DIR=/var/lib/g2g \
    G2G_HEALTH_PORT=7402
COPY --from=deps /opt/g2g /opt/g2g
# `g2g` on the PATH (kubectl exec POD -- g2g members); the data dir belongs to the node user.
RUN printf '#!/bin/sh\nexec node --max-semi-space-size=2 --optimize-for-size /opt/g2g/dist/src/cli/main.js "$@"\n' > /usr/local/bin/g2g \
    && chmod 755 /usr/local/bin/g2g \
    && mkdir -p /var/lib/g2g && chown node:node /var/lib/g2g && chmod 700 /var/lib/g2g
# The node image's unprivileged user (uid 1000).
USER node
WORKDIR /var/lib/g2g
# The node's identity (CA, leaves, tokens, known peers): losing it makes the node a new member.
VOLUME ["/var/lib/g2g"]
# register (TLS), gossip (mutual TLS), plain health (loopback unless G2G_HEALTH_HOST), metrics (off unless G2G_METRICS_PORT).
EXPOSE 7400 7401 7402 9464
# Docker reserves exit 2 and knows only 0 and 1: `g2g health` says 1 (not serving) or 3 (no answer).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD node /opt/g2g/dist/src/cli/main.js health --timeout 3s || exit 1
# V8 sized for a small, long-running process: young generation capped at 2 MiB per semi-space
# (default 16) and --optimize-for-size (slower heap growth, cold code flushed sooner); an idle
# node's RSS is otherwise ~25 MB higher (docs/performance.md, Memory).
ENTRYPOINT ["node", "--max-semi-space-size=2", "--optimize-for-size", "/opt/g2g/dist/src/cli/main.js"]
CMD ["start"]
