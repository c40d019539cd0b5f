import type { Task } from '@todo/domain';
import { isoString } from './iso-time.js';

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
    due_date: task.dueDate === null ? null : isoString(task.dueDate),
    created_at: isoString(task.createdAt),
    updated_at: isoString(task.updatedAt),
  };
}
