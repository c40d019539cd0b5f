import { checkTaskId, checkUserId, type ExpectedVersion, type TaskId, type UserId } from '@todo/domain';
import type { TaskRepository } from '../ports.js';
import { checkExpectation, DEFAULT_WRITE_POLICY, notWritten, type WritePolicy } from './write-policy.js';

export class DeleteTask {
  readonly #tasks: TaskRepository;
  readonly #policy: WritePolicy;

  constructor(tasks: TaskRepository, policy: WritePolicy = DEFAULT_WRITE_POLICY) {
    this.#tasks = tasks;
    this.#policy = policy;
  }

  async execute(owner: UserId, id: TaskId, expected?: ExpectedVersion): Promise<void> {
    checkUserId(owner);
    checkTaskId(id);
    checkExpectation(this.#policy, expected);
    if (!(await this.#tasks.delete(owner, id, expected))) throw await notWritten(this.#tasks, owner, id, expected);
  }
}
