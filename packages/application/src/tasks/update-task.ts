import { checkTaskId, checkUserId, type Task, type TaskId, type TaskPatchInput, taskPatch, type UserId } from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';
import { taskNotFound } from './get-task.js';

export class UpdateTask {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;

  constructor(tasks: TaskRepository, clock: Clock) {
    this.#tasks = tasks;
    this.#clock = clock;
  }

  /** Throws AppError('VALIDATION') for a bad field, or for a patch that changes nothing. */
  async execute(owner: UserId, id: TaskId, input: TaskPatchInput): Promise<Task> {
    const patch = taskPatch(input);
    const task = await this.#tasks.update(checkUserId(owner), checkTaskId(id), patch, this.#clock.now());
    if (task === null) throw taskNotFound();
    return task;
  }
}
