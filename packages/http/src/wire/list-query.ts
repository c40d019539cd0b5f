import { defaultOrder, SORT_ORDERS, TASK_SORTS, TASK_STATUSES } from '@todo/domain';
import * as v from 'valibot';
import { documentedAs } from './json-schema-hints.js';

export const MAX_PAGE_SIZE = 500;

const oneOf = <const T extends readonly string[]>(name: string, values: T, description: string) =>
  v.pipe(
    v.picklist(values, (issue) => (Array.isArray(issue.input) ? `${name} must be given once` : `${name} must be one of ${values.join(', ')}`)),
    v.description(description),
  );

/** Query parameters of GET /api/tasks. Values are case-sensitive; unknown parameters are ignored. */
export const ListQuery = v.object({
  status: v.optional(oneOf('status', TASK_STATUSES, 'Which tasks: all, only pending or only completed ones.'), 'all'),
  sort: v.optional(oneOf('sort', TASK_SORTS, 'Sort key; ties are broken by id in the same direction. Undated tasks come last.'), 'created'),
  order: v.optional(
    oneOf('order', SORT_ORDERS, 'Default: newest first for created and updated, A→Z (case-insensitive) for title, soonest first for due_date.'),
  ),
  limit: v.optional(
    v.pipe(
      v.string((issue) => (Array.isArray(issue.input) ? 'limit must be given once' : 'limit must be a string')),
      v.description(`Page size, a whole number from 1 to ${MAX_PAGE_SIZE}. Without it every task is returned.`),
      v.regex(/^[1-9][0-9]{0,2}$/, `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
      documentedAs({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE }),
      v.transform(Number),
      v.maxValue(MAX_PAGE_SIZE, `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
    ),
  ),
  cursor: v.optional(
    v.pipe(
      v.string((issue) => (Array.isArray(issue.input) ? 'cursor must be given once' : 'cursor must be a string')),
      v.description('Opaque: meta.next_cursor of the previous page, with the same status, sort and order, by the same user.'),
      v.regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'Cursor is invalid, or belongs to another listing or user'),
    ),
  ),
}, 'Query parameters must be name=value pairs');

export type ListQueryValues = v.InferOutput<typeof ListQuery> & { order: NonNullable<v.InferOutput<typeof ListQuery>['order']> };

export function withDefaultOrder(query: v.InferOutput<typeof ListQuery>): ListQueryValues {
  return { ...query, order: query.order ?? defaultOrder(query.sort) };
}
