import {
  DESCRIPTION_MAX_LENGTH, descriptionProblem, DUE_DATE_MESSAGE, dueDateFrom, normalizeTitle, TITLE_MAX_LENGTH, titleProblem,
  type TaskInput, type TaskPatchInput, validationError,
} from '@todo/domain';
import * as v from 'valibot';
import { atLeastOneProperty, codePoints, dateOrDateTime, untrimmedTitle } from './json-schema-hints.js';
import { rule } from './validate.js';

const typeMessage = (field: string, type: string) => (issue: v.BaseIssue<unknown>) =>
  issue.input === undefined ? `${field} is required` : issue.input === null ? `${field} must not be null` : `${field} must be ${type}`;

// Documentation goes before the first transform: the OpenAPI document describes the input, which ends there.
export const Title = v.pipe(
  v.string(typeMessage('Title', 'a string')),
  v.description(`Trimmed of leading and trailing white space, then 1–${TITLE_MAX_LENGTH} characters (Unicode code points); no U+0000.`),
  codePoints({ minLength: 1, maxLength: TITLE_MAX_LENGTH }),
  untrimmedTitle,
  v.transform(normalizeTitle),
  rule(titleProblem),
);

export const Description = v.nullable(
  v.pipe(
    v.string('Description must be a string or null'),
    v.description(`At most ${DESCRIPTION_MAX_LENGTH} characters (Unicode code points), stored exactly as given; null for none.`),
    codePoints({ maxLength: DESCRIPTION_MAX_LENGTH }),
    rule(descriptionProblem),
  ),
);

const DueDate = v.nullable(
  v.pipe(
    v.string('Due date must be an ISO-8601 string or null'),
    v.description('ISO-8601 date (midnight UTC) or date-time with Z or an offset; returned in UTC with Z; null for none.'),
    dateOrDateTime(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const date = dueDateFrom(dataset.value);
      if (date !== null) return date;
      addIssue({ message: DUE_DATE_MESSAGE });
      return NEVER;
    }),
  ),
);

export const Completed = v.boolean('Completed must be a boolean');

/** Unknown fields are dropped: they never reach the use-cases. A missing title is our message too, not valibot's. */
export const CreateTaskBody = v.pipe(
  v.object(
    {
      title: Title,
      description: v.optional(Description, null),
      due_date: v.optional(DueDate, null),
      completed: v.optional(Completed, false),
    },
    (issue) => (issue.input === undefined ? 'Title is required' : 'Body must be a JSON object'),
  ),
  v.description('A new task. Unknown fields (user_id, id, created_at, ...) are ignored.'),
);

const updateFields = {
  title: v.optional(Title),
  description: v.optional(Description),
  due_date: v.optional(DueDate),
  completed: v.optional(Completed),
};

/** "At least one field" is checked by `toTaskPatch` (field `body`) and again by the domain; the schema documents it. */
export const UpdateTaskBody = v.pipe(
  v.object(updateFields, 'Body must be a JSON object'),
  v.description('Only the fields sent change; at least one of them is required. Unknown fields are ignored.'),
  atLeastOneProperty(),
);

const EMPTY_UPDATE_MESSAGE = 'At least one of title, description, completed, due_date is required';

export function toTaskInput(body: v.InferOutput<typeof CreateTaskBody>): TaskInput {
  return { title: body.title, description: body.description, completed: body.completed, dueDate: body.due_date };
}

/** In the wire's words: an update with none of the fields (unknown ones do not count) is refused here. */
export function toTaskPatchInput(body: v.InferOutput<typeof UpdateTaskBody>): TaskPatchInput {
  const input: TaskPatchInput = {
    ...(body.title !== undefined && { title: body.title }),
    ...(body.description !== undefined && { description: body.description }),
    ...(body.completed !== undefined && { completed: body.completed }),
    ...(body.due_date !== undefined && { dueDate: body.due_date }),
  };
  if (Object.keys(input).length === 0) throw validationError('body', EMPTY_UPDATE_MESSAGE);
  return input;
}
