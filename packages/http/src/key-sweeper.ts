import type { Logger } from 'pino';

export const SWEEP_INTERVAL_MS = 60_000;

/** A bounded purge the service runs now and then: what it forgets, and how. */
export interface Purge {
  /** What is forgotten, for the log lines ("expired idempotency keys"). */
  readonly what: string;
  readonly use: { execute(): Promise<number> };
}

/**
 * Runs each purge every `intervalMs` (expired idempotency keys, old deletions of the changes
 * feed), each in bounded batches, so the tables stay the size of their retention with no cron
 * job. Every replica runs one: they skip the rows another is deleting. The timer never keeps
 * the process alive.
 */
export function startKeySweeper(purges: readonly Purge[], logger: Logger, intervalMs = SWEEP_INTERVAL_MS): { stop(): void } {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    for (const { what, use } of purges) {
      try {
        const purged = await use.execute();
        if (purged > 0) logger.debug({ purged }, `${what} purged`);
      } catch (error) {
        logger.warn({ err: error }, `purging ${what} failed; next try in the next interval`);
      }
    }
    running = false;
  };
  const timer = setInterval(() => void sweep(), intervalMs).unref();
  return { stop: () => clearInterval(timer) };
}
