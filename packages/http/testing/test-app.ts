import type { AddressInfo } from 'node:net';
import type Router from '@koa/router';
import type { Clock, TokenVerifier, WritePolicy } from '@todo/application';
import { inMemoryStore, type Store } from '@todo/application/testing';
import { JoseTokenVerifier, mintDevelopmentToken } from '@todo/infrastructure';
import { openPostgresTestStore, testAppDatabaseKind } from '@todo/infrastructure/testing';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { openApplication } from '../src/composition.js';
import { joseVerifier, type VerifierConfig } from '../src/container.js';
import type { Metrics } from '../src/metrics.js';
import type { ReadinessCheck } from '../src/routes/health.js';
import { listen, type ServerLimits } from '../src/server.js';
import { TEST_SECRET } from './test-secret.js';

export const ALLOWED_ORIGIN = 'http://localhost:3000';

export interface TestAppOptions {
  readonly store?: Store;
  readonly clock?: Clock;
  /** The verifier behind the production token cache; by default jose on TEST_SECRET. */
  readonly verifier?: TokenVerifier;
  /** The production verifier for this configuration, as the server builds it (instead of `verifier`). */
  readonly verifierConfig?: VerifierConfig;
  readonly rateLimitPerMinute?: number;
  readonly isReady?: ReadinessCheck;
  /** REQUIRE_IF_MATCH and IDEMPOTENCY_TTL_S; the defaults when not given. */
  readonly writePolicy?: WritePolicy;
  /** CHANGES_RETENTION_DAYS; the default when not given. */
  readonly changesRetentionDays?: number;
  /** The production limits unless given. */
  readonly serverLimits?: ServerLimits;
  /** Counts and times the requests, as with METRICS_PORT. */
  readonly metrics?: Metrics;
}

export interface TestApp {
  readonly url: string;
  readonly store: Store;
  /** The app's router: the routes it serves. */
  readonly router: Router;
  /** Every log line the app wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  token(userId: string, claims?: { email?: string; name?: string }): Promise<string>;
  /** fetch against the app; `as` sends a fresh token for that user. */
  request(path: string, init?: RequestInit & { as?: string; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real Koa app, composed by the production composition but on the repositories given, on port 0. Without a
 * store: the in-memory one, or a fresh database of the kind TEST_APP_DATABASE names (see testAppDatabaseKind).
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseKind = options.store === undefined ? testAppDatabaseKind() : null;
  const database = databaseKind === null ? null : await openPostgresTestStore(databaseKind);
  const store = options.store ?? database?.store ?? inMemoryStore();
  const verifier = options.verifierConfig !== undefined
    ? joseVerifier(options.verifierConfig)
    : (options.verifier ?? new JoseTokenVerifier({ secret: TEST_SECRET }));
  const application = await openApplication({
    store: { repositories: store },
    verifier,
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.writePolicy !== undefined && { policy: options.writePolicy }),
    ...(options.changesRetentionDays !== undefined && { changesRetentionDays: options.changesRetentionDays }),
  });

  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info', base: null }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const { app, router } = createApp({
    useCases: application.useCases,
    logger,
    corsOrigins: [ALLOWED_ORIGIN],
    rateLimitPerMinute: options.rateLimitPerMinute ?? 1_000_000,
    cursorSecret: TEST_SECRET,
    isReady: options.isReady ?? (async () => true),
    metrics: options.metrics,
  });
  const server = await listen(app, 0, '127.0.0.1', options.serverLimits);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const token = (userId: string, claims: { email?: string; name?: string } = {}) =>
    mintDevelopmentToken(TEST_SECRET, { userId, ...claims, ttlSeconds: 3600 });

  return {
    url,
    store,
    router,
    logs,
    token,
    async request(path, init = {}) {
      const { as, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (as !== undefined) headers.set('Authorization', `Bearer ${await token(as)}`);
      if (json !== undefined) headers.set('Content-Type', 'application/json');
      return fetch(url + path, { ...rest, headers, ...(json !== undefined && { body: JSON.stringify(json) }) });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
      await application.close();
      await database?.stop();
    },
  };
}
