import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { compareForListing, SORT_ORDERS, sortKey, TASK_SORTS, type Task, taskPatch } from '@todo/domain';
import fc from 'fast-check';
import type { TaskQuery } from '../src/ports.js';
import { draft, plain, T0, T1, T2 } from './fixtures.js';
import type { Store } from './in-memory-store.js';

export interface ContractOptions {
  readonly skip?: string | false;
}

/** Instants of years 0001–9999, to the millisecond, with the edges of the range weighted in. */
const acceptedInstant = fc
  .oneof(
    fc.integer({ min: Date.parse('0001-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') }),
    fc.constantFrom(Date.parse('0001-01-01T00:00:00.000Z'), Date.parse('0099-12-31T23:59:59.999Z'), Date.parse('9999-12-31T23:59:59.999Z')),
    fc.integer({ min: Date.parse('0001-01-01T00:00:00.000Z'), max: Date.parse('0100-01-01T00:00:00.000Z') }),
  )
  .map((ms) => new Date(ms));
/** Storable text: no U+0000, no unpaired surrogate; lengths in code points as the rules count them. */
const storable = (min: number, max: number) =>
  fc.string({ unit: fc.oneof(fc.constantFrom('😀', 'é', ' ', '\t', '\n', "'", '\\'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: min, maxLength: max })
    .filter((t) => !t.includes('\u0000') && [...t].length >= min && [...t].length <= max);
const acceptedDraft = fc.record({
  title: storable(1, 200).filter((t) => t.trim() === t && t.length > 0),
  description: fc.option(storable(0, 1000), { nil: null }),
  completed: fc.boolean(),
  dueDate: fc.option(acceptedInstant, { nil: null }),
});

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
        dueDate: due.toISOString(), createdAt: T0.toISOString(), updatedAt: T0.toISOString(), version: task.version,
      });
      assert.deepEqual(plain(await store.tasks.get('alice', task.id)), plain(task));
    });

    it('round-trips every field byte-exact over its whole accepted range (property)', async () => {
      await fc.assert(
        fc.asyncProperty(acceptedDraft, acceptedInstant, async (fields, at) => {
          const task = await store.tasks.create('alice', draft(fields.title, fields), at);
          const expected = { id: task.id, userId: 'alice', ...fields, dueDate: fields.dueDate?.toISOString() ?? null, createdAt: at.toISOString(), updatedAt: at.toISOString(), version: task.version };
          assert.deepEqual(plain(task), expected);
          assert.deepEqual(plain(await store.tasks.get('alice', task.id)), expected);
          const listed = await store.tasks.list('alice', everything);
          assert.deepEqual(plain(listed.find((t) => t.id === task.id) ?? null), expected);
        }),
        { numRuns: 60 },
      );
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
      assert.deepEqual(plain(updated), { ...(plain(task) as object), title: 'renamed', updatedAt: T1.toISOString(), version: updated?.version });
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

    describe('versions and conditional writes', () => {
      it('gives a new, higher version on every write kind, never reused across the owner\'s tasks', async () => {
        const first = await store.tasks.create('alice', draft('one'), T0);
        const other = await store.tasks.create('alice', draft('two'), T0);
        const updated = (await store.tasks.update('alice', first.id, taskPatch({ title: 'uno' }), T1))!;
        const toggled = (await store.tasks.toggleCompletion('alice', first.id, T1))!;
        const back = (await store.tasks.toggleCompletion('alice', first.id, T1))!;
        const versions = [first.version, other.version, updated.version, toggled.version, back.version];
        assert.deepEqual([...versions].sort((a, b) => a - b), versions, 'versions grow in write order');
        assert.equal(new Set(versions).size, versions.length);
        assert.equal(back.completed, first.completed, 'toggled back to the same state, yet a new version');
        assert.equal((await store.tasks.get('alice', first.id))?.version, back.version);
        assert.equal(await store.tasks.delete('alice', other.id, [other.version]), true);
        const after = await store.tasks.create('alice', draft('three'), T2);
        assert.equal(after.version, back.version + 2, 'the delete took a version too');
        const bobs = await store.tasks.create('bob', draft('bob'), T0);
        assert.equal(typeof bobs.version, 'number');
      });

      it('writes with a matching version or "any", and changes nothing (not even the counter) with a stale one', async () => {
        const task = await store.tasks.create('alice', draft('guarded', { description: 'keep' }), T0);
        const updated = (await store.tasks.update('alice', task.id, taskPatch({ title: 'v2' }), T1, [999, task.version]))!;
        assert.equal(updated.title, 'v2');
        const stale = [task.version];
        assert.equal(await store.tasks.update('alice', task.id, taskPatch({ title: 'lost' }), T2, stale), null);
        assert.equal(await store.tasks.update('alice', task.id, taskPatch({ title: 'lost' }), T2, []), null);
        assert.equal(await store.tasks.toggleCompletion('alice', task.id, T2, stale), null);
        assert.equal(await store.tasks.delete('alice', task.id, stale), false);
        assert.deepEqual(plain(await store.tasks.get('alice', task.id)), plain(updated));
        const anyVersion = (await store.tasks.toggleCompletion('alice', task.id, T2, 'any'))!;
        assert.equal(anyVersion.version, updated.version + 1, 'the refused writes took no version');
        assert.equal(await store.tasks.update('bob', task.id, taskPatch({ title: 'x' }), T2, [anyVersion.version]), null);
        assert.equal(await store.tasks.toggleCompletion('alice', 999_999, T2, 'any'), null);
        assert.equal(await store.tasks.delete('alice', task.id, [anyVersion.version]), true);
      });

      it('lets exactly one of 50 concurrent conditional updates with the same version through', async () => {
        const task = await store.tasks.create('alice', draft('contended'), T0);
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.tasks.update('alice', task.id, taskPatch({ title: `writer ${i}` }), T1, [task.version])),
        );
        const winners = results.filter((r) => r !== null);
        assert.equal(winners.length, 1);
        const read = await store.tasks.get('alice', task.id);
        assert.equal(read?.title, winners[0]!.title);
        assert.equal(read?.version, task.version + 1);
      });

      it('lets exactly one of 20 concurrent conditional toggles and deletes through', async () => {
        const task = await store.tasks.create('alice', draft('contended'), T0);
        const toggles = await Promise.all(Array.from({ length: 20 }, () => store.tasks.toggleCompletion('alice', task.id, T1, [task.version])));
        assert.equal(toggles.filter((t) => t !== null).length, 1);
        const current = (await store.tasks.get('alice', task.id))!;
        assert.equal(current.completed, true);
        const deletes = await Promise.all(Array.from({ length: 20 }, () => store.tasks.delete('alice', task.id, [current.version])));
        assert.equal(deletes.filter(Boolean).length, 1);
      });
    });

    describe('writes under an idempotency key', () => {
      const claim = (key: string, fingerprint = 'fp', expiresAt = T2) => ({ key, fingerprint, expiresAt });

      it('creates once, then answers with what it kept and creates nothing', async () => {
        const first = await store.tasks.createOnce('alice', draft('once'), T0, claim('k1'));
        assert.equal(first.outcome, 'done');
        const task = (first as { value: Task }).value;
        const again = await store.tasks.createOnce('alice', draft('other body'), T1, claim('k1', 'other'));
        assert.equal(again.outcome, 'kept');
        const { kept } = again as { kept: { fingerprint: string; task: Task } };
        assert.equal(kept.fingerprint, 'fp');
        assert.deepEqual(plain(kept.task), plain(task));
        assert.deepEqual(plain((await store.tasks.findKept('alice', 'k1', T1))?.task ?? null), plain(task));
        assert.equal((await store.tasks.list('alice', everything)).length, 1);
        const bobs = await store.tasks.createOnce('bob', draft('same key, other user'), T0, claim('k1'));
        assert.equal(bobs.outcome, 'done');
        assert.equal(await store.tasks.findKept('carol', 'k1', T0), null);
      });

      it('keeps the task as it was written, not as it is now', async () => {
        const first = await store.tasks.createOnce('alice', draft('snapshot', { dueDate: T1, description: 'd' }), T0, claim('k'));
        const task = (first as { value: Task }).value;
        await store.tasks.toggleCompletion('alice', task.id, T1);
        assert.deepEqual(plain((await store.tasks.findKept('alice', 'k', T1))!.task), plain(task));
      });

      it('runs again once the kept write has expired, and purges expired keys in bounded batches', async () => {
        await store.tasks.createOnce('alice', draft('first'), T0, claim('k', 'fp', T1));
        assert.equal(await store.tasks.findKept('alice', 'k', T1), null);
        const again = await store.tasks.createOnce('alice', draft('second'), T1, claim('k', 'fp2', T2));
        assert.equal(again.outcome, 'done');
        assert.equal((await store.tasks.findKept('alice', 'k', T1))?.fingerprint, 'fp2');
        for (const key of ['a', 'b', 'c']) await store.tasks.createOnce('bob', draft(key), T0, claim(key, 'fp', T1));
        assert.equal(await store.tasks.purgeExpiredKeys(T1, 2), 2);
        assert.equal(await store.tasks.purgeExpiredKeys(T1, 2), 1);
        assert.equal(await store.tasks.purgeExpiredKeys(T1, 2), 0);
        assert.notEqual(await store.tasks.findKept('alice', 'k', T1), null, 'unexpired keys stay');
      });

      it('toggles once per key, and keeps nothing when nothing was toggled', async () => {
        const task = await store.tasks.create('alice', draft('flip'), T0);
        const first = await store.tasks.toggleCompletionOnce('alice', task.id, T1, undefined, claim('t'));
        assert.equal(first.outcome, 'done');
        const again = await store.tasks.toggleCompletionOnce('alice', task.id, T1, undefined, claim('t'));
        assert.equal(again.outcome, 'kept');
        assert.equal((await store.tasks.get('alice', task.id))?.completed, true);
        const stale = await store.tasks.toggleCompletionOnce('alice', task.id, T1, [task.version], claim('s'));
        assert.deepEqual(stale, { outcome: 'done', value: null });
        const absent = await store.tasks.toggleCompletionOnce('alice', 999_999, T1, undefined, claim('a'));
        assert.deepEqual(absent, { outcome: 'done', value: null });
        assert.equal(await store.tasks.findKept('alice', 's', T1), null);
        assert.equal(await store.tasks.findKept('alice', 'a', T1), null);
      });

      it('creates exactly one task for 20 concurrent requests with one key', async () => {
        const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.tasks.createOnce('alice', draft('dup'), T0, claim('same'))));
        assert.equal(outcomes.filter((o) => o.outcome === 'done').length, 1);
        assert.ok(outcomes.every((o) => o.outcome !== 'done' || o.value.title === 'dup'));
        assert.equal((await store.tasks.list('alice', everything)).length, 1);
      });

      it('toggles exactly once for 20 concurrent requests with one key', async () => {
        const task = await store.tasks.create('alice', draft('dup'), T0);
        const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.tasks.toggleCompletionOnce('alice', task.id, T1, undefined, claim('same'))));
        assert.equal(outcomes.filter((o) => o.outcome === 'done').length, 1);
        assert.equal((await store.tasks.get('alice', task.id))?.completed, true);
      });
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
