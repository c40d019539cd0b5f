import type { Task } from '@todo/domain';

export interface TaskRow {
  id: string;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  due_date: Date | null;
  created_at: Date;
  updated_at: Date;
  version: string;
}

/** A task row as `to_jsonb` renders it (kept under an idempotency key). */
export interface TaskJsonRow {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  due_date: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** bigint comes back from postgres.js as a string; ids stay below 2^53 (identity from 1). */
export function toTask(row: TaskRow): Task {
  return {
    id: Number(row.id),
    userId: row.user_id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    dueDate: row.due_date,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

/** jsonb timestamps are ISO-8601 text with an offset, to the microsecond: our Dates carry milliseconds only. */
export function fromTaskJson(row: TaskJsonRow): Task {
  return {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    dueDate: row.due_date === null ? null : new Date(row.due_date),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    version: row.version,
  };
}
