import cluster from 'node:cluster';
import { resolve } from 'node:path';
import type { EmbeddedPostgres } from '@todo/infrastructure';
import type { Logger } from 'pino';
import { type Config, ConfigError, loadConfig } from './config.js';
import { loadDotEnv } from './dotenv.js';
import { createStdoutLogger } from './logger.js';
import { checkListenAddress, explainStartupFailure } from './startup-failure.js';

// Every start-up failure ends here: one line that says what to change, then exit 1 at once
// (whatever a library may still hold open). What start-up opened was closed before.
async function fail(logger: Logger, message: string, error?: unknown): Promise<never> {
  if (error === undefined) logger.fatal(message);
  else logger.fatal({ err: error }, message);
  await new Promise<void>((flushed) => logger.flush(() => flushed()));
  process.exit(1);
}

const config = await loadConfiguration();

/** The configuration, or a one-line failure (before any logger level is known, at info). */
async function loadConfiguration(): Promise<Config> {
  try {
    loadDotEnv();
    return loadConfig(process.env);
  } catch (error) {
    const logger = await createStdoutLogger('info');
    if (error instanceof ConfigError) return fail(logger, `Configuration error: ${error.message}`);
    const { code } = error as NodeJS.ErrnoException;
    return fail(logger, `Cannot read .env in ${process.cwd()} (${String(code)}): fix its permissions or remove it`);
  }
}

const logger = await createStdoutLogger(config.logLevel);
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
try {
  // Workers share the primary's listening socket: only the primary (or a lone process) checks.
  if (cluster.isPrimary) await checkListenAddress(config.host, config.port);
} catch (error) {
  const explained = explainStartupFailure(error, config);
  await (explained === null ? fail(logger, 'start-up failed', error) : fail(logger, explained));
}
if (clustered && config.databaseUrl !== null) {
  // Loaded only here: it brings prom-client (~30 ms) for the primary's METRICS_PORT.
  const { runPrimary } = await import('./cluster.js');
  runPrimary(config.webConcurrency, logger, config.metricsPort === null ? undefined : { host: config.host, port: config.metricsPort });
} else {
  if (config.secretIsDevelopmentDefault) {
    logger.warn('BETTER_AUTH_SECRET is not set: using the built-in DEVELOPMENT secret. Anyone can mint tokens for it. Never run like this in production.');
  }
  await serve(config, logger);
}

async function serve(config: Config, logger: Logger): Promise<void> {
  let service;
  try {
    // Loaded once the configuration and the port are known to be fine: those failures show at once.
    // The embedded database starts first: its thread compiles PostgreSQL's WebAssembly and opens
    // DATA_DIR while this one loads the HTTP modules (~0.4 s of a ~1.5 s start). Its failures
    // (DATA_DIR locked or not writable) are reported as before, where startService awaits it.
    let embedded: Promise<EmbeddedPostgres> | undefined;
    if (config.databaseUrl === null) {
      const { startEmbeddedPostgres } = await import('@todo/infrastructure');
      embedded = startEmbeddedPostgres(resolve(config.dataDir));
      embedded.catch(() => {}); // awaited, and a failure reported, in startService
    }
    const { startService } = await import('./service.js');
    service = await startService(config, logger, embedded);
  } catch (error) {
    const explained = explainStartupFailure(error, config);
    await (explained === null ? fail(logger, 'start-up failed', error) : fail(logger, explained));
    return;
  }
  logger.info(
    { url: service.url },
    `Tasks API listening on ${service.url} (docs: ${service.url}/docs). Get a token with: npm run cli -- token <user-id>`,
  );
  let stopping = false;
  const stop = async (signal: string, failed = false) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    let clean = false;
    try {
      clean = await service.shutdown(config.shutdownTimeoutMs);
    } catch (error) {
      // Whatever failed, the exit code says so (before: the rejection went unhandled and an
      // emptied event loop ended the process with 0).
      logger.error({ err: error }, 'shutdown failed');
    }
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
}
