import { type SortOrder, sortKey, type Task, type TaskPosition, type TaskSort, type TaskStatus, type UserId } from '@todo/domain';
import type { TaskRepository } from '../ports.js';

export interface ListRequest {
  readonly status: TaskStatus;
  readonly sort: TaskSort;
  readonly order: SortOrder;
  readonly limit: number | null;
  readonly after: TaskPosition | null;
}

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

  async execute(owner: UserId, request: ListRequest): Promise<TaskPage> {
    const { limit } = request;
    // One task more than asked tells whether another page exists, without a count query.
    const tasks = await this.#tasks.list(owner, { ...request, limit: limit === null ? null : limit + 1 });
    if (limit === null || tasks.length <= limit) return { tasks, next: null };
    tasks.length = limit;
    const last = tasks[limit - 1]!;
    return { tasks, next: { key: sortKey(last, request.sort), id: last.id } };
  }
}
