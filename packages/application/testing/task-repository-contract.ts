import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { compareForListing, SORT_ORDERS, sortKey, TASK_SORTS, type Task, taskPatch } from '@todo/domain';
import type { TaskQuery } from '../src/ports.js';
import { draft, plain, T0, T1, T2 } from './fixtures.js';
import type { Store } from './in-memory-store.js';

export interface ContractOptions {
  readonly skip?: string | false;
}

const everything: TaskQuery = { status: 'all', sort: 'created', order: 'desc', limit: null, after: null };

export function taskRepositoryContract(name: string, open: () => Promise<Store>, options: ContractOptions = {}): void {
  describe(`TaskRepository contract: ${name}`, { skip: options.skip ?? false }, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      for (const id of ['alice', 'bob']) await store.users.upsert({ id, email: null, name: null }, T0);
    });

    it('creates a task with its fields, a numeric id and both timestamps at creation time', async () => {
      const due = new Date('2026-03-01T00:00:00.000Z');
      const task = await store.tasks.create('alice', draft('Buy milk', { description: 'two litres', dueDate: due }), T0);
      assert.equal(typeof task.id, 'number');
      assert.deepEqual(plain(task), {
        id: task.id, userId: 'alice', title: 'Buy milk', description: 'two litres', completed: false,
        dueDate: due.toISOString(), createdAt: T0.toISOString(), updatedAt: T0.toISOString(),
      });
      assert.deepEqual(plain(await store.tasks.get('alice', task.id)), plain(task));
    });

    it('stores text exactly as given', async () => {
      const title = '👩‍👩‍👧 café ́ \u200f"quoted" \'; DROP TABLE tasks; --';
      const description = '  spaced\nnew line\ttab  ';
      const task = await store.tasks.create('alice', draft(title, { description }), T0);
      const read = await store.tasks.get('alice', task.id);
      assert.equal(read?.title, title);
      assert.equal(read?.description, description);
    });

    it("never shows one user another user's task, on any operation", async () => {
      const task = await store.tasks.create('alice', draft('mine'), T0);
      assert.equal(await store.tasks.get('bob', task.id), null);
      assert.equal(await store.tasks.update('bob', task.id, taskPatch({ title: 'stolen' }), T1), null);
      assert.equal(await store.tasks.toggleCompletion('bob', task.id, T1), null);
      assert.equal(await store.tasks.delete('bob', task.id), false);
      assert.deepEqual(await store.tasks.list('bob', everything), []);
      assert.deepEqual(plain(await store.tasks.get('alice', task.id)), plain(task));
    });

    it('answers null or false for a task that does not exist', async () => {
      assert.equal(await store.tasks.get('alice', 999_999), null);
      assert.equal(await store.tasks.update('alice', 999_999, taskPatch({ completed: true }), T1), null);
      assert.equal(await store.tasks.toggleCompletion('alice', 999_999, T1), null);
      assert.equal(await store.tasks.delete('alice', 999_999), false);
    });

    it('changes only the fields in a patch, moves updatedAt and keeps createdAt', async () => {
      const task = await store.tasks.create('alice', draft('original', { description: 'keep me', dueDate: T2 }), T0);
      const updated = await store.tasks.update('alice', task.id, taskPatch({ title: 'renamed' }), T1);
      assert.deepEqual(plain(updated), { ...(plain(task) as object), title: 'renamed', updatedAt: T1.toISOString() });
      const cleared = await store.tasks.update('alice', task.id, taskPatch({ description: null, dueDate: null, completed: true }), T2);
      assert.equal(cleared?.description, null);
      assert.equal(cleared?.dueDate, null);
      assert.equal(cleared?.completed, true);
      assert.equal(cleared?.title, 'renamed');
      assert.equal(cleared?.createdAt.toISOString(), T0.toISOString());
      assert.equal(cleared?.updatedAt.toISOString(), T2.toISOString());
    });

    it('keeps both of two concurrent updates of different fields', async () => {
      const task = await store.tasks.create('alice', draft('race'), T0);
      await Promise.all([
        store.tasks.update('alice', task.id, taskPatch({ title: 'new title' }), T1),
        store.tasks.update('alice', task.id, taskPatch({ description: 'new description' }), T1),
      ]);
      const read = await store.tasks.get('alice', task.id);
      assert.equal(read?.title, 'new title');
      assert.equal(read?.description, 'new description');
    });

    it('flips completion once per call, even when calls race', async () => {
      const task = await store.tasks.create('alice', draft('race'), T0);
      const seen = await Promise.all(Array.from({ length: 101 }, () => store.tasks.toggleCompletion('alice', task.id, T1)));
      assert.equal(seen.filter((t) => t?.completed).length, 51);
      const read = await store.tasks.get('alice', task.id);
      assert.equal(read?.completed, true);
      assert.equal(read?.updatedAt.toISOString(), T1.toISOString());
      assert.equal(read?.createdAt.toISOString(), T0.toISOString());
    });

    it('deletes a task once', async () => {
      const task = await store.tasks.create('alice', draft('bye'), T0);
      assert.equal(await store.tasks.delete('alice', task.id), true);
      assert.equal(await store.tasks.get('alice', task.id), null);
      assert.equal(await store.tasks.delete('alice', task.id), false);
    });

    it("creates the owner's user row when it has gone missing", async () => {
      const task = await store.tasks.create('carol', draft('first'), T0);
      assert.deepEqual(await store.users.find('carol'), { id: 'carol', email: null, name: null });
      assert.equal((await store.tasks.get('carol', task.id))?.title, 'first');
    });

    describe('listing', () => {
      let mine: Task[];
      beforeEach(async () => {
        const specs = [
          { title: 'banana', due: '2026-05-01T00:00:00.000Z', done: false, at: T0 },
          { title: 'Apple', due: null, done: true, at: T0 },
          { title: 'cherry', due: '2026-04-01T00:00:00.000Z', done: false, at: T1 },
          { title: 'apple', due: '2026-04-01T00:00:00.000Z', done: true, at: T1 },
          { title: 'Émile', due: null, done: false, at: T2 },
          { title: 'date', due: '2026-06-01T00:00:00.000Z', done: true, at: T2 },
        ];
        mine = [];
        for (const spec of specs) {
          const dueDate = spec.due === null ? null : new Date(spec.due);
          mine.push(await store.tasks.create('alice', draft(spec.title, { completed: spec.done, dueDate }), spec.at));
        }
        await store.tasks.create('bob', draft('not yours'), T0);
        mine[0] = (await store.tasks.update('alice', mine[0]!.id, taskPatch({ description: 'touched' }), T2))!;
      });

      for (const sort of TASK_SORTS) {
        for (const order of SORT_ORDERS) {
          it(`orders by ${sort} ${order} (undated last, ties by id) and pages without gaps or repeats`, async () => {
            const expected = [...mine].sort((a, b) => compareForListing(a, b, sort, order)).map((t) => t.id);
            const all = await store.tasks.list('alice', { ...everything, sort, order });
            assert.deepEqual(all.map((t) => t.id), expected);

            const walked: number[] = [];
            let after: TaskQuery['after'] = null;
            for (;;) {
              const page = await store.tasks.list('alice', { ...everything, sort, order, limit: 2, after });
              walked.push(...page.map((t) => t.id));
              if (page.length < 2) break;
              const last = page[page.length - 1]!;
              after = { key: sortKey(last, sort), id: last.id };
            }
            assert.deepEqual(walked, expected);
          });
        }
      }

      it('filters by status', async () => {
        const completed = await store.tasks.list('alice', { ...everything, status: 'completed' });
        const pending = await store.tasks.list('alice', { ...everything, status: 'pending' });
        assert.deepEqual(completed.map((t) => t.title).sort(), ['Apple', 'apple', 'date']);
        assert.deepEqual(pending.map((t) => t.title).sort(), ['banana', 'cherry', 'Émile']);
      });

      it('sorts titles case-insensitively, A to Z by default', async () => {
        const titles = (await store.tasks.list('alice', { ...everything, sort: 'title', order: 'asc' })).map((t) => t.title);
        assert.deepEqual(titles.map((t) => t.toLowerCase()), ['apple', 'apple', 'banana', 'cherry', 'date', 'émile']);
      });

      it('returns at most the limit', async () => {
        assert.equal((await store.tasks.list('alice', { ...everything, limit: 4 })).length, 4);
      });
    });
  });
}
