import { type Task, type TaskId, type TaskPatch, type UserId, validationError } from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';
import { taskNotFound } from './get-task.js';

export class UpdateTask {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;

  constructor(tasks: TaskRepository, clock: Clock) {
    this.#tasks = tasks;
    this.#clock = clock;
  }

  async execute(owner: UserId, id: TaskId, patch: TaskPatch): Promise<Task> {
    if (Object.keys(patch).length === 0) {
      throw validationError('body', 'At least one of title, description, completed, due_date is required');
    }
    const task = await this.#tasks.update(owner, id, patch, this.#clock.now());
    if (task === null) throw taskNotFound();
    return task;
  }
}
