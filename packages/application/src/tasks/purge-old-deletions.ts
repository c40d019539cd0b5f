import type { Clock, TaskRepository } from '../ports.js';
import { purgeInBatches } from './purge-in-batches.js';

/**
 * Forgets deletions older than the retention (CHANGES_RETENTION_DAYS), in bounded batches;
 * run now and then by the service itself. SyncTasks refuses positions whose deletions may be
 * gone. The purge waits an hour longer than the refusal, so that clocks a little apart on
 * different replicas never forget a deletion that a position still accepted needs.
 */
export class PurgeOldDeletions {
  static readonly CLOCK_MARGIN_MS = 3_600_000;
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;
  readonly #retentionMs: number;

  constructor(tasks: TaskRepository, clock: Clock, retentionDays: number) {
    this.#tasks = tasks;
    this.#clock = clock;
    this.#retentionMs = retentionDays * 86_400_000;
  }

  execute(batchSize?: number, maxBatches?: number): Promise<number> {
    const before = new Date(this.#clock.now().getTime() - this.#retentionMs - PurgeOldDeletions.CLOCK_MARGIN_MS);
    return purgeInBatches((limit) => this.#tasks.purgeDeletions(before, limit), batchSize, maxBatches);
  }
}
