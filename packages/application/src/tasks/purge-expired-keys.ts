import type { Clock, TaskRepository } from '../ports.js';

/**
 * Forgets the writes kept under idempotency keys once they have expired, a bounded batch at
 * a time so no run holds the database for long. Run now and then by the service itself.
 */
export class PurgeExpiredKeys {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;

  constructor(tasks: TaskRepository, clock: Clock) {
    this.#tasks = tasks;
    this.#clock = clock;
  }

  /** Purges batches of `batchSize` until one comes back short or `maxBatches` ran; how many were purged. */
  async execute(batchSize = 500, maxBatches = 20): Promise<number> {
    const at = this.#clock.now();
    let purged = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const count = await this.#tasks.purgeExpiredKeys(at, batchSize);
      purged += count;
      if (count < batchSize) break;
    }
    return purged;
  }
}
