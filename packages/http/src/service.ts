import cluster from 'node:cluster';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cancelStatementsOf, type Config, isReachable, migrateAtStartup, openDatabase, PostgresTokenBuckets, type Sql,
} from '@todo/infrastructure';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { bindPostgres, bindTokenVerifier, bindUseCases, newContainer, resolveUseCases } from './container.js';
import { startKeySweeper } from './key-sweeper.js';
import { Metrics, type MetricsServer, renderRegistry, startMetricsServer } from './metrics.js';
import { type RateLimitStore, SharedTokenBuckets, TokenBuckets } from './middleware/token-buckets.js';
import { listen } from './server.js';

/** What shutdown may take beyond SHUTDOWN_TIMEOUT_MS: cancelling cut-off statements, then closing the pool. */
const CANCEL_TIMEOUT_MS = 1000;
const POOL_CLOSE_TIMEOUT_S = 1;

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

export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const database = await openDatabase(config);
  for (const warning of database.warnings) logger.warn(warning);
  try {
    const { applied } = await migrateAtStartup(database.sql, {
      timeoutMs: config.dbStartupTimeoutMs,
      onRetry: (error, delayMs) => logger.warn({ err: error, retry_in_ms: Math.round(delayMs) }, 'database not reachable yet, retrying'),
    });
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
  } catch (error) {
    await database.close();
    throw error;
  }

  // METRICS_PORT: the series are kept here; a WEB_CONCURRENCY worker leaves serving them to the primary.
  const metrics = config.metricsPort === null ? undefined : new Metrics(config.databaseUrl === null ? 1 : config.dbPoolMax);
  const meter = <T extends object>(port: T): T => metrics?.meter(port) ?? port;
  const container = newContainer();
  bindPostgres(container, database.sql, config, meter);
  bindTokenVerifier(container, config, metrics?.jwksObserver);
  bindUseCases(container, { requireIfMatch: config.requireIfMatch, idempotencyTtlSeconds: config.idempotencyTtlSeconds });
  const useCases = resolveUseCases(container);

  let shuttingDown = false;
  const failed = database.failed ?? new Promise<Error>(() => {});
  void failed.then(() => (shuttingDown = true));
  const rateLimitStore = openRateLimitStore(config, database.sql, meter);
  const { app } = createApp({
    useCases,
    logger,
    corsOrigins: config.corsOrigins,
    rateLimitPerMinute: config.rateLimitPerMinute,
    rateLimitStore,
    cursorSecret: config.secret,
    isReady: async () => !shuttingDown && (await isReachable(database.sql)),
    metrics,
  });

  const server = await listen(app, config.port, config.host).catch(async (error: unknown) => {
    await database.close(); // the embedded database's lock with it
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info({ database: database.description }, 'database ready');
  const sweeper = startKeySweeper(useCases.purgeExpiredKeys, logger);
  let metricsServer: MetricsServer | undefined;
  if (metrics !== undefined && config.metricsPort !== null && !cluster.isWorker) {
    metricsServer = await startMetricsServer(config.host, config.metricsPort, renderRegistry(metrics.registry));
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
      // Bounded: past it the pool's connections are destroyed (database.close() then finds it ended).
      await database.sql.end({ timeout: POOL_CLOSE_TIMEOUT_S });
      await database.close();
      return clean;
    },
  };
}

/** RATE_LIMIT_STORE: each process its own buckets, or buckets in the database shared by every replica. */
function openRateLimitStore(config: Config, sql: Sql, meter: <T extends object>(port: T) => T): RateLimitStore {
  if (config.rateLimitStore === 'memory') return new TokenBuckets(config.rateLimitPerMinute);
  const buckets = meter(new PostgresTokenBuckets(sql, config.rateLimitPerMinute, { timeoutMs: config.dbTimeoutMs }));
  return new SharedTokenBuckets(buckets, config.rateLimitPerMinute);
}
