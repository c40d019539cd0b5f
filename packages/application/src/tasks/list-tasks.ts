import { checkUserId, sortKey, type Task, type TaskPosition, type UserId } from '@todo/domain';
import type { TaskQuery, TaskRepository } from '../ports.js';
import { checkTaskQuery } from './task-query.js';

export interface TaskPage {
  readonly tasks: Task[];
  /** Where the next page starts, or null when this page is the last. */
  readonly next: TaskPosition | null;
}

export class ListTasks {
  readonly #tasks: TaskRepository;

  constructor(tasks: TaskRepository) {
    this.#tasks = tasks;
  }

  /** Throws AppError('VALIDATION') for a query outside its values (see `checkTaskQuery`). */
  async execute(owner: UserId, request: TaskQuery): Promise<TaskPage> {
    const { limit } = checkTaskQuery(request);
    // One task more than asked tells whether another page exists, without a count query.
    const tasks = await this.#tasks.list(checkUserId(owner), { ...request, limit: limit === null ? null : limit + 1 });
    if (limit === null || tasks.length <= limit) return { tasks, next: null };
    tasks.length = limit;
    const last = tasks[limit - 1]!;
    return { tasks, next: { key: sortKey(last, request.sort), id: last.id } };
  }
}
