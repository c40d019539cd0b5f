import { type ExpectedVersion, type Task, type TaskId, type TaskPatch, type UserId, validationError } from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';
import { checkExpectation, DEFAULT_WRITE_POLICY, notWritten, type WritePolicy } from './write-policy.js';

export class UpdateTask {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;
  readonly #policy: WritePolicy;

  constructor(tasks: TaskRepository, clock: Clock, policy: WritePolicy = DEFAULT_WRITE_POLICY) {
    this.#tasks = tasks;
    this.#clock = clock;
    this.#policy = policy;
  }

  async execute(owner: UserId, id: TaskId, patch: TaskPatch, expected?: ExpectedVersion): Promise<Task> {
    if (Object.keys(patch).length === 0) {
      throw validationError('body', 'At least one of title, description, completed, due_date is required');
    }
    checkExpectation(this.#policy, expected);
    const task = await this.#tasks.update(owner, id, patch, this.#clock.now(), expected);
    if (task === null) throw await notWritten(this.#tasks, owner, id, expected);
    return task;
  }
}
