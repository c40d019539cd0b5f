import { MAX_TASK_ID, TITLE_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, type Task } from '@todo/domain';
import { isoString } from '@todo/infrastructure';
import * as v from 'valibot';
import { codePoints, trimmedTitle } from './json-schema-hints.js';

const timestamp = (description: string) => v.pipe(v.string(), v.isoTimestamp(), v.description(description));

/** A task on the wire: snake_case, timestamps ISO-8601 UTC with Z. */
export const TaskJson = v.object({
  id: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_TASK_ID)),
  user_id: v.pipe(v.string(), v.description("The owner: the token's subject.")),
  title: v.pipe(v.string(), codePoints({ minLength: 1, maxLength: TITLE_MAX_LENGTH }), trimmedTitle),
  description: v.nullable(v.pipe(v.string(), codePoints({ maxLength: DESCRIPTION_MAX_LENGTH }))),
  completed: v.boolean(),
  due_date: v.nullable(timestamp('UTC, with Z; a date-only input reads as midnight UTC.')),
  created_at: timestamp('UTC, with Z; never changes.'),
  updated_at: timestamp('UTC, with Z; set by every change.'),
});
export type TaskJson = v.InferOutput<typeof TaskJson>;

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
