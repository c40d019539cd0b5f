import { checkTaskId, checkUserId, type TaskId, type UserId } from '@todo/domain';
import type { TaskRepository } from '../ports.js';
import { taskNotFound } from './get-task.js';

export class DeleteTask {
  readonly #tasks: TaskRepository;

  constructor(tasks: TaskRepository) {
    this.#tasks = tasks;
  }

  async execute(owner: UserId, id: TaskId): Promise<void> {
    if (!(await this.#tasks.delete(checkUserId(owner), checkTaskId(id)))) throw taskNotFound();
  }
}
