import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { type MetricsServer, renderCluster, startMetricsServer } from './metrics.js';

/**
 * The primary of WEB_CONCURRENCY > 1: forks the workers (each runs main.ts as a single
 * server; they share the port) and does nothing else. SIGTERM and SIGINT are passed on;
 * the primary exits once every worker has, with 0 when all of them exited 0. A worker that
 * dies on its own takes the others down with it (exit 1): a supervisor restarts the whole,
 * rather than this process restarting a worker that fails at start-up forever.
 */
export function runPrimary(workers: number, logger: Logger, metricsAt?: { host: string; port: number }): void {
  let stopping = false;
  let failed = false;
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };

  cluster.on('exit', (worker, code, signal) => {
    const clean = code === 0 && signal === null;
    if (!clean) failed = true;
    if (!stopping) {
      logger.error({ pid: worker.process.pid, code, signal }, 'worker exited on its own: stopping the others');
      stopAll('SIGTERM');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) {
      void metricsServer?.close();
      logger.info({ clean: !failed }, 'all workers stopped');
      logger.flush();
      process.exitCode = failed ? 1 : 0;
    }
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      logger.info({ signal, workers }, 'shutting down the workers');
      stopAll(signal);
    });
  }
  for (let i = 0; i < workers; i++) cluster.fork();
  logger.info({ workers }, `started ${workers} workers`);
  // METRICS_PORT: the primary serves the sum of its workers' metrics (they do not listen on it).
  let metricsServer: MetricsServer | undefined;
  if (metricsAt !== undefined) {
    startMetricsServer(metricsAt.host, metricsAt.port, renderCluster()).then(
      (server) => {
        metricsServer = server;
        logger.info({ metrics_url: server.url }, `metrics of all workers on ${server.url}`);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'the metrics listener could not start: stopping the workers');
        failed = true;
        stopAll('SIGTERM');
      },
    );
  }
}
