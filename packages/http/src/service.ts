import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Config, isReachable, migrateAtStartup, openDatabase } from '@todo/infrastructure';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { bindPostgres, bindTokenVerifier, bindUseCases, newContainer, resolveUseCases } from './container.js';
import { startKeySweeper } from './key-sweeper.js';

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

  const container = newContainer();
  bindPostgres(container, database.sql, config);
  bindTokenVerifier(container, config);
  bindUseCases(container, { requireIfMatch: config.requireIfMatch, idempotencyTtlSeconds: config.idempotencyTtlSeconds });
  const useCases = resolveUseCases(container);

  let shuttingDown = false;
  const failed = database.failed ?? new Promise<Error>(() => {});
  void failed.then(() => (shuttingDown = true));
  const { app } = createApp({
    useCases,
    logger,
    corsOrigins: config.corsOrigins,
    rateLimitPerMinute: config.rateLimitPerMinute,
    cursorSecret: config.secret,
    isReady: async () => !shuttingDown && (await isReachable(database.sql)),
  });

  const server = app.listen(config.port, config.host);
  await new Promise<void>((ready, fail) => server.once('listening', ready).once('error', fail));
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info({ database: database.description }, 'database ready');
  const sweeper = startKeySweeper(useCases.purgeExpiredKeys, logger);

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
      if (!clean) server.closeAllConnections();
      await database.close();
      return clean;
    },
  };
}
