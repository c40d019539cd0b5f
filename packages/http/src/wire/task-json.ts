import type { Task } from '@todo/domain';

/** A task on the wire: snake_case, timestamps ISO-8601 UTC with Z. */
export interface TaskJson {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  due_date: string | null;
  created_at: string;
  updated_at: string;
}

export function toTaskJson(task: Task): TaskJson {
  return {
    id: task.id,
    user_id: task.userId,
    title: task.title,
    description: task.description,
    completed: task.completed,
    due_date: task.dueDate === null ? null : task.dueDate.toISOString(),
    created_at: task.createdAt.toISOString(),
    updated_at: task.updatedAt.toISOString(),
  };
}
