import cluster from 'node:cluster';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cancelStatementsOf, type EmbeddedPostgres, PostgresTokenBuckets } from '@todo/infrastructure';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { type Application, openApplication } from './composition.js';
import type { Config } from './config.js';
import { joseVerifier, type Meter } from './container.js';
import { startKeySweeper } from './key-sweeper.js';
import type { Metrics, MetricsServer } from './metrics.js';
import { type RateLimitStore, SharedTokenBuckets, TokenBuckets } from './middleware/token-buckets.js';
import { listen } from './server.js';

/** What shutdown may take beyond SHUTDOWN_TIMEOUT_MS to cancel cut-off statements (closing the pool is bounded too). */
const CANCEL_TIMEOUT_MS = 1000;

export interface RunningService {
  readonly url: string;
  readonly server: Server;
  /** Settles when the database is lost for good (embedded only): log it, shut down, exit non-zero. */
  readonly failed: Promise<Error>;
  /**
   * SIGTERM's work: not ready any more, stop accepting, let requests in flight finish (up
   * to `timeoutMs`), close the pool. Resolves true when nothing had to be cut off.
   */
  shutdown(timeoutMs: number): Promise<boolean>;
}

/** `embedded`: the embedded database of `config.dataDir`, already starting (see main.ts). */
export async function startService(config: Config, logger: Logger, embedded?: Promise<EmbeddedPostgres>): Promise<RunningService> {
  // METRICS_PORT: the series are kept here; a WEB_CONCURRENCY worker leaves serving them to the primary.
  // prom-client (~30 ms to load) only when METRICS_PORT is set.
  const metricsModule = config.metricsPort === null ? undefined : await import('./metrics.js');
  const metrics = metricsModule === undefined ? undefined : new metricsModule.Metrics(config.databaseUrl === null ? 1 : config.dbPoolMax);
  const meter: Meter = (port) => metrics?.meter(port) ?? port;
  const application = await openApplication({
    store: { database: config, embedded },
    verifier: joseVerifier(config, metrics?.jwksObserver),
    policy: { requireIfMatch: config.requireIfMatch, idempotencyTtlSeconds: config.idempotencyTtlSeconds },
    changesRetentionDays: config.changesRetentionDays,
    startupTimeoutMs: config.dbStartupTimeoutMs,
    meter,
    logger,
  });
  const database = application.database!;
  const { useCases } = application;

  let shuttingDown = false;
  const failed = database.failed ?? new Promise<Error>(() => {});
  void failed.then(() => (shuttingDown = true));
  const rateLimitStore = openRateLimitStore(config, application, meter);
  const { app } = createApp({
    useCases,
    logger,
    corsOrigins: config.corsOrigins,
    rateLimitPerMinute: config.rateLimitPerMinute,
    rateLimitStore,
    cursorSecret: config.secret,
    isReady: async () => !shuttingDown && (await application.isReachable()),
    metrics,
  });

  const server = await listen(app, config.port, config.host).catch(async (error: unknown) => {
    await application.close(); // the embedded database's lock with it
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info({ database: application.description }, 'database ready');
  const sweeper = startKeySweeper([
    { what: 'expired idempotency keys', use: useCases.purgeExpiredKeys },
    { what: 'deletions older than CHANGES_RETENTION_DAYS', use: useCases.purgeOldDeletions },
  ], logger);
  let metricsServer: MetricsServer | undefined;
  if (metricsModule !== undefined && metrics !== undefined && config.metricsPort !== null && !cluster.isWorker) {
    metricsServer = await metricsModule.startMetricsServer(config.host, config.metricsPort, metricsModule.renderRegistry(metrics.registry));
    logger.info({ metrics_url: metricsServer.url }, `metrics on ${metricsServer.url}`);
  }

  return {
    url: `http://${host}:${port}`,
    server,
    failed,
    async shutdown(timeoutMs) {
      shuttingDown = true;
      sweeper.stop();
      const finished = new Promise<void>((done) => server.close(() => done()));
      // A keep-alive client that keeps sending would hold the drain open until the timeout:
      // every response from now on closes its connection (the request itself is still served).
      server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
        if (!response.headersSent) response.setHeader('Connection', 'close');
      });
      // Keep-alive connections that go idle after their last response are closed as they do.
      const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
      let timer: NodeJS.Timeout | undefined;
      const clean = await Promise.race([
        finished.then(() => true),
        new Promise<false>((cut) => {
          timer = setTimeout(() => cut(false), timeoutMs);
        }),
      ]);
      clearInterval(idleSweep);
      clearTimeout(timer);
      rateLimitStore.close();
      await metricsServer?.close();
      if (!clean) {
        server.closeAllConnections();
        // The cut-off requests' statements: dropped from the driver's queue and their connections
        // closed at once, then cancelled on the server, where they would otherwise still run.
        await database.sql.end({ timeout: 0 });
        if (config.databaseUrl !== null) {
          const cancelled = await cancelStatementsOf(database.sql, config.databaseUrl, CANCEL_TIMEOUT_MS);
          logger.warn({ cancelled }, 'shutdown timeout: requests cut off, their statements cancelled');
        }
      }
      // The pool's close is bounded (see bindPostgres); the embedded database stops after it.
      await application.close();
      return clean;
    },
  };
}

/** RATE_LIMIT_STORE: each process its own buckets, or buckets in the database shared by every replica. */
function openRateLimitStore(config: Config, application: Application, meter: Meter): RateLimitStore {
  if (config.rateLimitStore === 'memory' || application.database === null) return new TokenBuckets(config.rateLimitPerMinute);
  const buckets = meter(new PostgresTokenBuckets(application.database.sql, config.rateLimitPerMinute, { timeoutMs: config.dbTimeoutMs }));
  return new SharedTokenBuckets(buckets, config.rateLimitPerMinute);
}
