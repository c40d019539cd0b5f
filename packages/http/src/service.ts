import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { openApplication } from './composition.js';
import type { Config } from './config.js';
import { joseVerifier } from './container.js';

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
  const application = await openApplication({ store: { database: config }, verifier: joseVerifier(config), logger });
  let shuttingDown = false;
  const { app } = createApp({
    useCases: application.useCases,
    logger,
    corsOrigins: config.corsOrigins,
    rateLimitPerMinute: config.rateLimitPerMinute,
    cursorSecret: config.secret,
    isReady: async () => !shuttingDown && (await application.isReachable()),
  });

  const server = app.listen(config.port, config.host);
  try {
    await new Promise<void>((ready, fail) => server.once('listening', ready).once('error', fail));
  } catch (error) {
    await application.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info({ database: application.description }, 'database ready');

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
      await application.close();
      return clean;
    },
  };
}
