export type UserId = string;
export type TaskId = number;
/**
 * Set by every write to a task, from a counter per owner that only grows: a task never has
 * the same version twice, and no two tasks of one owner share one.
 */
export type TaskVersion = number;

export interface Task {
  readonly id: TaskId;
  readonly userId: UserId;
  readonly title: string;
  readonly description: string | null;
  readonly completed: boolean;
  readonly dueDate: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: TaskVersion;
}

export const TASK_STATUSES = ['all', 'pending', 'completed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_SORTS = ['created', 'updated', 'title', 'due_date'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** Newest first for timestamps, A→Z for titles, soonest first for due dates. */
export function defaultOrder(sort: TaskSort): SortOrder {
  return sort === 'created' || sort === 'updated' ? 'desc' : 'asc';
}

/** Where a listing stopped: the sort key of the last task returned, and its id. */
export interface TaskPosition {
  readonly key: string | null;
  readonly id: TaskId;
}

/** The value a task is sorted by, as carried in a position: ISO timestamps, the raw title, or null when undated. */
export function sortKey(task: Task, sort: TaskSort): string | null {
  switch (sort) {
    case 'created':
      return task.createdAt.toISOString();
    case 'updated':
      return task.updatedAt.toISOString();
    case 'title':
      return task.title;
    case 'due_date':
      return task.dueDate === null ? null : task.dueDate.toISOString();
  }
}
