# syntax=docker/dockerfile:1
# The Tasks API: build with the whole toolchain, run with production dependencies only.

# Any Node 20 image with npm. Where no registry is reachable, a local one works just as well
# (npm run image:smoke makes one with mmdebstrap and passes it as --build-arg NODE_IMAGE=...).
ARG NODE_IMAGE=node:20-slim

# The workspace manifests alone, so the dependency layers are rebuilt only when they change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/domain/package.json packages/domain/
COPY packages/application/package.json packages/application/
COPY packages/infrastructure/package.json packages/infrastructure/
COPY packages/http/package.json packages/http/
COPY packages/client/package.json packages/client/

FROM manifests AS builder
# Behind a TLS-inspecting proxy: the proxy's CA for npm, mounted at build time (empty: none).
# A build argument, not ENV: it does not stay in the image.
ARG NODE_EXTRA_CA_CERTS=
# No dependency needs an install script (npm 11 blocks them by default; the node:20 image has npm 10).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.base.json ./
COPY packages packages
RUN npx tsc -b

FROM manifests AS runtime
ARG NODE_EXTRA_CA_CERTS=
ENV NODE_ENV=production \
    DATA_DIR=/app/.data
# --omit=optional drops typescript, which the lockfile marks devOptional (valibot's optional peer); no
# runtime dependency is optional.
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force
# Compiled sources only: no tests, no test helpers (they import dev dependencies).
COPY --from=builder /app/packages/domain/dist/src packages/domain/dist/src
COPY --from=builder /app/packages/application/dist/src packages/application/dist/src
COPY --from=builder /app/packages/infrastructure/dist/src packages/infrastructure/dist/src
COPY --from=builder /app/packages/http/dist/src packages/http/dist/src
COPY packages/infrastructure/migrations packages/infrastructure/migrations
# Without DATABASE_URL the embedded database lives here; the runtime user must be able to write it.
# uid 1000 is the official node images' `node` user; numeric, so a plain Debian base (no such user,
# no useradd) works the same.
RUN mkdir -p /app/.data && chown 1000:1000 /app/.data
USER 1000:1000
EXPOSE 8000
# /ready: the process is up AND reaches its database (and is not draining after SIGTERM).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1: main.js handles SIGTERM (drain, close the pool, exit).
CMD ["node", "packages/http/dist/src/main.js"]
