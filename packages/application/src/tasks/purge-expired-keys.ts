import type { Clock, TaskRepository } from '../ports.js';
import { purgeInBatches } from './purge-in-batches.js';

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

  execute(batchSize?: number, maxBatches?: number): Promise<number> {
    const at = this.#clock.now();
    return purgeInBatches((limit) => this.#tasks.purgeExpiredKeys(at, limit), batchSize, maxBatches);
  }
}
