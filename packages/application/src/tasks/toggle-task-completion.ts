import { checkTaskId, checkUserId, type Task, type TaskId, type UserId } from '@todo/domain';
import type { Clock, TaskRepository } from '../ports.js';
import { taskNotFound } from './get-task.js';

export class ToggleTaskCompletion {
  readonly #tasks: TaskRepository;
  readonly #clock: Clock;

  constructor(tasks: TaskRepository, clock: Clock) {
    this.#tasks = tasks;
    this.#clock = clock;
  }

  async execute(owner: UserId, id: TaskId): Promise<Task> {
    const task = await this.#tasks.toggleCompletion(checkUserId(owner), checkTaskId(id), this.#clock.now());
    if (task === null) throw taskNotFound();
    return task;
  }
}
