import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareForListing, type Task } from '../src/index.js';

const at = (iso: string) => new Date(iso);
function task(id: number, fields: Partial<Task> = {}): Task {
  const created = at('2026-01-01T00:00:00.000Z');
  return { id, userId: 'u', title: `t${id}`, description: null, completed: false, dueDate: null, createdAt: created, updatedAt: created, version: id, ...fields };
}
const ids = (tasks: Task[], sort: Parameters<typeof compareForListing>[2], order: 'asc' | 'desc') =>
  [...tasks].sort((a, b) => compareForListing(a, b, sort, order)).map((t) => t.id);

describe('compareForListing', () => {
  it('puts undated tasks last in both directions, ties broken by id in the same direction', () => {
    const tasks = [task(1), task(2, { dueDate: at('2026-03-01T00:00:00Z') }), task(3, { dueDate: at('2026-02-01T00:00:00Z') }), task(4)];
    assert.deepEqual(ids(tasks, 'due_date', 'asc'), [3, 2, 1, 4]);
    assert.deepEqual(ids(tasks, 'due_date', 'desc'), [2, 3, 4, 1]);
  });

  it('orders titles case-insensitively by code point, and equal keys by id', () => {
    const tasks = [task(1, { title: 'b' }), task(2, { title: 'B' }), task(3, { title: 'a' }), task(4, { title: 'É' })];
    assert.deepEqual(ids(tasks, 'title', 'asc'), [3, 1, 2, 4]);
    assert.deepEqual(ids(tasks, 'title', 'desc'), [4, 2, 1, 3]);
  });
});
