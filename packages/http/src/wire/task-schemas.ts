import { descriptionProblem, normalizeTitle, parseDueDate, titleProblem, type NewTask, type TaskPatch } from '@todo/domain';
import * as v from 'valibot';
import { rule } from './validate.js';

const typeMessage = (field: string, type: string) => (issue: v.BaseIssue<unknown>) =>
  issue.input === undefined ? `${field} is required` : issue.input === null ? `${field} must not be null` : `${field} must be ${type}`;

export const Title = v.pipe(
  v.string(typeMessage('Title', 'a string')),
  v.transform(normalizeTitle),
  rule(titleProblem),
  v.description('Trimmed of leading and trailing white space, then 1–200 characters (Unicode code points).'),
);

export const Description = v.nullable(
  v.pipe(v.string('Description must be a string or null'), rule(descriptionProblem), v.description('At most 1000 characters, stored exactly as given.')),
);

export const DueDate = v.nullable(
  v.pipe(
    v.string('Due date must be an ISO-8601 string or null'),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const date = parseDueDate(dataset.value);
      if (date !== null) return date;
      addIssue({ message: 'Due date must be an ISO-8601 date (YYYY-MM-DD) or a date-time with Z or an offset' });
      return NEVER;
    }),
    v.description('ISO-8601 date (midnight UTC) or date-time with Z or an offset; returned in UTC with Z.'),
  ),
);

export const Completed = v.boolean('Completed must be a boolean');

/** Unknown fields are dropped: they never reach the use-cases. */
export const CreateTaskBody = v.object({
  title: Title,
  description: v.optional(Description, null),
  due_date: v.optional(DueDate, null),
  completed: v.optional(Completed, false),
});

export const UpdateTaskBody = v.object({
  title: v.optional(Title),
  description: v.optional(Description),
  due_date: v.optional(DueDate),
  completed: v.optional(Completed),
});

export function toNewTask(body: v.InferOutput<typeof CreateTaskBody>): NewTask {
  return { title: body.title, description: body.description, completed: body.completed, dueDate: body.due_date };
}

export function toTaskPatch(body: v.InferOutput<typeof UpdateTaskBody>): TaskPatch {
  return {
    ...(body.title !== undefined && { title: body.title }),
    ...(body.description !== undefined && { description: body.description }),
    ...(body.completed !== undefined && { completed: body.completed }),
    ...(body.due_date !== undefined && { dueDate: body.due_date }),
  };
}
