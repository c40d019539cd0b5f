import { AppError, checkTaskId, checkUserId, type Task, type TaskId, type UserId } from '@todo/domain';
import type { TaskRepository } from '../ports.js';

export class GetTask {
  readonly #tasks: TaskRepository;

  constructor(tasks: TaskRepository) {
    this.#tasks = tasks;
  }

  async execute(owner: UserId, id: TaskId): Promise<Task> {
    const task = await this.#tasks.get(checkUserId(owner), checkTaskId(id));
    if (task === null) throw taskNotFound();
    return task;
  }
}

export function taskNotFound(): AppError {
  return new AppError('NOT_FOUND', 'Task not found');
}
