import { AppError, type FieldIssue } from './errors.js';
import { descriptionProblem, MAX_TASK_ID, normalizeTitle, parseDueDate, titleProblem } from './task-rules.js';
import type { TaskId, UserId } from './task.js';
import { isStorableText } from './text.js';

declare const checked: unique symbol;

interface TaskFields {
  readonly title: string;
  readonly description: string | null;
  readonly completed: boolean;
  readonly dueDate: Date | null;
}

/** A task about to be created, every rule checked: only `newTask` makes one. */
export type NewTask = TaskFields & { readonly [checked]: 'NewTask' };

/** Only the fields present change; at least one is present, each checked: only `taskPatch` makes one. */
export type TaskPatch = Partial<TaskFields> & { readonly [checked]: 'TaskPatch' };

/**
 * What a driving adapter hands in. Nothing in it is trusted: the types are checked again
 * at run time, for callers in plain JavaScript. A due date is a Date or ISO-8601 text.
 */
export interface TaskInput {
  readonly title: string;
  readonly description?: string | null;
  readonly completed?: boolean;
  readonly dueDate?: Date | string | null;
}

export type TaskPatchInput = Partial<TaskInput>;

const EMPTY_PATCH_MESSAGE = 'At least one of title, description, completed, dueDate is required';
export const DUE_DATE_MESSAGE = 'Due date must be an ISO-8601 date (YYYY-MM-DD) or a date-time with Z or an offset';
export const TASK_ID_MESSAGE = `id must be a whole number from 1 to ${MAX_TASK_ID}`;
const FIRST_YEAR = 1;
const LAST_YEAR = 9999;

/** Checks every rule; throws one AppError('VALIDATION') listing every field at fault. */
export function newTask(input: TaskInput): NewTask {
  const fields = checkFields(input ?? {}, true);
  return {
    title: fields.title!,
    description: fields.description ?? null,
    completed: fields.completed ?? false,
    dueDate: fields.dueDate ?? null,
  } as NewTask;
}

/** Checks the fields present; throws AppError('VALIDATION') for a bad field or for none at all. */
export function taskPatch(input: TaskPatchInput): TaskPatch {
  const fields = checkFields(input ?? {}, false);
  if (Object.keys(fields).length === 0) throw new AppError('VALIDATION', 'Validation failed', { details: [{ field: 'patch', message: EMPTY_PATCH_MESSAGE }] });
  return fields as TaskPatch;
}

export function checkTaskId(id: TaskId): TaskId {
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_TASK_ID) throw validationFailed([{ field: 'id', message: TASK_ID_MESSAGE }]);
  return id;
}

const MAX_USER_ID_LENGTH = 255;
// C0, DEL and C1 control characters.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** A user id is 1–255 characters, none of them a control character or unstorable. */
export function userIdProblem(id: unknown): string | null {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_USER_ID_LENGTH) return 'User id must be 1 to 255 characters';
  if (CONTROL_CHARACTER.test(id) || !isStorableText(id)) return 'User id contains characters that cannot be stored';
  return null;
}

export function checkUserId(id: UserId): UserId {
  const problem = userIdProblem(id);
  if (problem !== null) throw validationFailed([{ field: 'user', message: problem }]);
  return id;
}

/** A due date as a Date: null when it is not a real instant within the years 0001–9999. */
export function dueDateFrom(value: Date | string): Date | null {
  const date = typeof value === 'string' ? parseDueDate(value) : value instanceof Date ? value : null;
  if (date === null || Number.isNaN(date.getTime())) return null;
  const year = date.getUTCFullYear();
  return year >= FIRST_YEAR && year <= LAST_YEAR ? date : null;
}

function checkFields(input: TaskPatchInput, titleRequired: boolean): Partial<TaskFields> {
  const issues: FieldIssue[] = [];
  const fields: { -readonly [K in keyof TaskFields]?: TaskFields[K] } = {};
  const problem = (field: string, message: string | null) => {
    if (message !== null) issues.push({ field, message });
    return message === null;
  };

  if (input.title !== undefined || titleRequired) {
    if (typeof input.title !== 'string') problem('title', input.title === undefined ? 'Title is required' : 'Title must be a string');
    else {
      const title = normalizeTitle(input.title);
      if (problem('title', titleProblem(title))) fields.title = title;
    }
  }
  if (input.description !== undefined) {
    const { description } = input;
    if (description === null) fields.description = null;
    else if (typeof description !== 'string') problem('description', 'Description must be a string or null');
    else if (problem('description', descriptionProblem(description))) fields.description = description;
  }
  if (input.completed !== undefined) {
    if (typeof input.completed === 'boolean') fields.completed = input.completed;
    else problem('completed', 'Completed must be a boolean');
  }
  if (input.dueDate !== undefined) {
    const date = input.dueDate === null ? null : dueDateFrom(input.dueDate);
    if (input.dueDate === null || date !== null) fields.dueDate = date;
    else problem('dueDate', DUE_DATE_MESSAGE);
  }
  if (issues.length > 0) throw validationFailed(issues);
  return fields;
}

function validationFailed(details: readonly FieldIssue[]): AppError {
  return new AppError('VALIDATION', 'Validation failed', { details });
}
