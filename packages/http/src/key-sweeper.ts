import type { PurgeExpiredKeys } from '@todo/application';
import type { Logger } from 'pino';

export const SWEEP_INTERVAL_MS = 60_000;

/**
 * Purges expired idempotency keys every `intervalMs`, in bounded batches (PurgeExpiredKeys),
 * so the table stays the size of one TTL's keys with no cron job. Every replica runs one:
 * they skip the rows another is deleting. The timer never keeps the process alive.
 */
export function startKeySweeper(purge: PurgeExpiredKeys, logger: Logger, intervalMs = SWEEP_INTERVAL_MS): { stop(): void } {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const purged = await purge.execute();
      if (purged > 0) logger.debug({ purged }, 'expired idempotency keys purged');
    } catch (error) {
      logger.warn({ err: error }, 'purging expired idempotency keys failed; next try in the next interval');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), intervalMs).unref();
  return { stop: () => clearInterval(timer) };
}
