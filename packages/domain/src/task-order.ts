import { compareCodePoints } from './text.js';
import type { SortOrder, Task, TaskPosition, TaskSort } from './task.js';
import { sortKey } from './task.js';

/**
 * The listing order, total: the sort key in the requested direction (titles compared
 * lower-cased, by code point), undated tasks last in either direction, ties by id in
 * the same direction. SQL adapters must produce exactly this order.
 */
export function compareForListing(a: Task, b: Task, sort: TaskSort, order: SortOrder): number {
  return comparePositions({ key: sortKey(a, sort), id: a.id }, { key: sortKey(b, sort), id: b.id }, sort, order);
}

export function comparePositions(a: TaskPosition, b: TaskPosition, sort: TaskSort, order: SortOrder): number {
  const direction = order === 'asc' ? 1 : -1;
  if (a.key === null || b.key === null) {
    if (a.key !== b.key) return a.key === null ? 1 : -1;
    return direction * (a.id - b.id);
  }
  const byKey = sort === 'title' ? compareCodePoints(a.key.toLowerCase(), b.key.toLowerCase()) : compareIso(a.key, b.key);
  return direction * (byKey !== 0 ? byKey : a.id - b.id);
}

function compareIso(a: string, b: string): number {
  return Date.parse(a) - Date.parse(b);
}
