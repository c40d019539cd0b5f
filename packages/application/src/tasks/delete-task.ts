import { checkTaskId, checkUserId, type ExpectedVersion, type TaskId, type UserId } from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';
import { checkExpectation, DEFAULT_WRITE_POLICY, notWritten, type WritePolicy } from './write-policy.js';

export class DeleteTask {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;
  readonly #policy: WritePolicy;

  constructor(tasks: TaskRepository, clock: Clock, policy: WritePolicy = DEFAULT_WRITE_POLICY) {
    this.#tasks = tasks;
    this.#clock = clock;
    this.#policy = policy;
  }

  async execute(owner: UserId, id: TaskId, expected?: ExpectedVersion): Promise<void> {
    checkUserId(owner);
    checkTaskId(id);
    checkExpectation(this.#policy, expected);
    if (!(await this.#tasks.delete(owner, id, this.#clock.now(), expected))) throw await notWritten(this.#tasks, owner, id, expected);
  }
}
