import cluster from 'node:cluster';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Config, isReachable, migrate, openDatabase, PostgresTokenBuckets, type Sql } from '@todo/infrastructure';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { bindPostgres, bindTokenVerifier, bindUseCases, newContainer, resolveUseCases } from './container.js';
import { Metrics, type MetricsServer, renderRegistry, startMetricsServer } from './metrics.js';
import { type RateLimitStore, SharedTokenBuckets, TokenBuckets } from './middleware/token-buckets.js';

export interface RunningService {
  readonly url: string;
  readonly server: Server;
  /**
   * SIGTERM's work: not ready any more, stop accepting, let requests in flight finish (up
   * to `timeoutMs`), close the pool. Resolves true when nothing had to be cut off.
   */
  shutdown(timeoutMs: number): Promise<boolean>;
}

export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const database = await openDatabase(config);
  try {
    const { applied } = await migrate(database.sql);
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
  bindUseCases(container);

  let shuttingDown = false;
  const rateLimitStore = openRateLimitStore(config, database.sql, meter);
  const { app } = createApp({
    useCases: resolveUseCases(container),
    logger,
    corsOrigins: config.corsOrigins,
    rateLimitPerMinute: config.rateLimitPerMinute,
    rateLimitStore,
    cursorSecret: config.secret,
    isReady: async () => !shuttingDown && (await isReachable(database.sql)),
    metrics,
  });

  const server = app.listen(config.port, config.host);
  await new Promise<void>((ready, fail) => server.once('listening', ready).once('error', fail));
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info({ database: database.description }, 'database ready');
  let metricsServer: MetricsServer | undefined;
  if (metrics !== undefined && config.metricsPort !== null && !cluster.isWorker) {
    metricsServer = await startMetricsServer(config.host, config.metricsPort, renderRegistry(metrics.registry));
    logger.info({ metrics_url: metricsServer.url }, `metrics on ${metricsServer.url}`);
  }

  return {
    url: `http://${host}:${port}`,
    server,
    async shutdown(timeoutMs) {
      shuttingDown = true;
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
      if (!clean) server.closeAllConnections();
      rateLimitStore.close();
      await metricsServer?.close();
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
