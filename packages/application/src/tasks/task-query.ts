import { AppError, type FieldIssue, isStorableText, MAX_TASK_ID, SORT_ORDERS, TASK_SORTS, TASK_STATUSES } from '@todo/domain';
import type { TaskQuery } from '../ports.js';

/**
 * The query's values are among the listed ones, `limit` is a positive whole number or null,
 * and `after` is a position a listing of this sort could have produced.
 */
export function checkTaskQuery(query: TaskQuery): TaskQuery {
  const issues: FieldIssue[] = [];
  const oneOf = (field: 'status' | 'sort' | 'order', values: readonly string[]) => {
    if (!values.includes(query[field])) issues.push({ field, message: `${field} must be one of ${values.join(', ')}` });
  };
  oneOf('status', TASK_STATUSES);
  oneOf('sort', TASK_SORTS);
  oneOf('order', SORT_ORDERS);
  if (query.limit !== null && !(Number.isSafeInteger(query.limit) && query.limit >= 1)) {
    issues.push({ field: 'limit', message: 'limit must be a whole number from 1 up, or null' });
  }
  if (query.after !== null && !isPosition(query.after, query.sort)) issues.push({ field: 'after', message: 'after is not a position of this listing' });
  if (issues.length > 0) throw new AppError('VALIDATION', 'Validation failed', { details: issues });
  return query;
}

function isPosition(position: TaskQuery['after'], sort: TaskQuery['sort']): boolean {
  if (typeof position !== 'object' || position === null) return false;
  const { key, id } = position;
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_TASK_ID) return false;
  if (key === null) return sort !== 'title';
  if (typeof key !== 'string') return false;
  return sort === 'title' ? isStorableText(key) : ISO_INSTANT.test(key) && !Number.isNaN(Date.parse(key));
}

/** The form `sortKey` gives timestamps (Date#toISOString for the years 0001–9999). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
