import {
  checkTaskId, checkUserId, type ExpectedVersion, type Task, type TaskId, type TaskPatchInput, taskPatch, type UserId,
} from '@todo/domain';
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

  /** Throws AppError('VALIDATION') for a bad field, or for a patch that changes nothing. */
  async execute(owner: UserId, id: TaskId, input: TaskPatchInput, expected?: ExpectedVersion): Promise<Task> {
    checkUserId(owner);
    checkTaskId(id);
    const patch = taskPatch(input);
    checkExpectation(this.#policy, expected);
    const task = await this.#tasks.update(owner, id, patch, this.#clock.now(), expected);
    if (task === null) throw await notWritten(this.#tasks, owner, id, expected);
    return task;
  }
}
