import cluster from 'node:cluster';
import { type Config, ConfigError, loadConfig } from '@todo/infrastructure';
import type { Logger } from 'pino';
import { runPrimary } from './cluster.js';
import { createLogger } from './logger.js';
import { loadDotEnv } from './dotenv.js';
import { startService } from './service.js';

loadDotEnv();
let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Configuration error: ${error.message}\n`);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
// A driver can reject a promise of its own that nobody holds (a connection killed mid-query):
// log it; one lost connection must not take the whole service down.
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
const clustered = cluster.isPrimary && config.webConcurrency > 1;
if (clustered && config.databaseUrl === null) {
  logger.warn(
    { web_concurrency: config.webConcurrency },
    'WEB_CONCURRENCY ignored: the embedded database (PGlite) lives inside one process and cannot be shared by workers, so one process serves. Set DATABASE_URL to run several workers.',
  );
}
if (clustered && config.databaseUrl !== null) {
  runPrimary(config.webConcurrency, logger);
} else {
  if (config.secretIsDevelopmentDefault) {
    logger.warn('BETTER_AUTH_SECRET is not set: using the built-in DEVELOPMENT secret. Anyone can mint tokens for it. Never run like this in production.');
  }
  await serve(config, logger);
}

async function serve(config: Config, logger: Logger): Promise<void> {
  try {
    const service = await startService(config, logger);
    logger.info(
      { url: service.url },
      `Tasks API listening on ${service.url} (docs: ${service.url}/docs). Get a token with: npm run cli -- token <user-id>`,
    );
    let stopping = false;
    const stop = async (signal: string, failed = false) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const clean = await service.shutdown(config.shutdownTimeoutMs);
      logger.info({ clean }, 'stopped');
      logger.flush();
      process.exitCode = clean && !failed ? 0 : 1;
      // Exit even if a library left a handle open; unref'd, it never holds the process up.
      setTimeout(() => process.exit(), 2000).unref();
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    void service.failed.then((error) => {
      logger.fatal(error.message);
      void stop('database lost', true);
    });
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    logger.flush();
    process.exitCode = 1;
  }
}
