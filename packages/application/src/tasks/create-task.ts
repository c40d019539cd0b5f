import type { IdempotentRequest, NewTask, Replayable, Task, UserId } from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';
import { claimFor, DEFAULT_WRITE_POLICY, replayKept, type WritePolicy } from './write-policy.js';

export class CreateTask {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;
  readonly #policy: WritePolicy;

  constructor(tasks: TaskRepository, clock: Clock, policy: WritePolicy = DEFAULT_WRITE_POLICY) {
    this.#tasks = tasks;
    this.#clock = clock;
    this.#policy = policy;
  }

  execute(owner: UserId, draft: NewTask): Promise<Task> {
    return this.#tasks.create(owner, draft, this.#clock.now());
  }

  /** Creates the task once per key: a repeat of the same request gets the same task back, and creates nothing. */
  async executeOnce(owner: UserId, draft: NewTask, request: IdempotentRequest): Promise<Replayable<Task>> {
    const at = this.#clock.now();
    const once = await this.#tasks.createOnce(owner, draft, at, claimFor(request, at, this.#policy));
    return once.outcome === 'done' ? { value: once.value, replayed: false } : replayKept(once, request);
  }
}
