import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { type Task, type TaskId, taskPatch } from '@todo/domain';
import { draft, plain, T0, T1, T2 } from './fixtures.js';
import type { Store } from './in-memory-store.js';

/** A client's local copy, kept by applying pages of changes as the feed says. */
export function applyChanges(copy: Map<TaskId, Task>, changes: Awaited<ReturnType<Store['tasks']['changesSince']>>['changes']): void {
  for (const change of changes) {
    if ('task' in change) copy.set(change.task.id, change.task);
    else copy.delete(change.deleted);
  }
}

/** Registered inside the TaskRepository contract: the same store, every adapter. */
export function changesFeedContract(open: () => Promise<Store>): void {
  describe('changes since a version', () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      for (const id of ['alice', 'bob']) await store.users.upsert({ id, email: null, name: null }, T0);
    });

    const everything = async (owner: string, after: number) => store.tasks.changesSince(owner, after, 1000);

    it('lists a create, an update, a toggle and a delete each once, in version order, with the latest version', async () => {
      const start = (await everything('alice', 0)).latest;
      const kept = await store.tasks.create('alice', draft('kept'), T0);
      const gone = await store.tasks.create('alice', draft('gone'), T0);
      const renamed = (await store.tasks.update('alice', kept.id, taskPatch({ title: 'renamed' }), T1))!;
      assert.equal(await store.tasks.delete('alice', gone.id, T1), true);
      const toggled = (await store.tasks.toggleCompletion('alice', kept.id, T2))!;
      const batch = await everything('alice', start);
      assert.deepEqual(batch.changes.map((c) => ('task' in c ? ['task', plain(c.task)] : ['deleted', c.deleted])), [
        ['deleted', gone.id],
        ['task', plain(toggled)],
      ]);
      assert.deepEqual(batch.changes.map((c) => c.version), [renamed.version + 1, toggled.version]);
      assert.equal(batch.latest, toggled.version);
    });

    it('shows a task changed twice once, in its latest state', async () => {
      const task = await store.tasks.create('alice', draft('v1'), T0);
      const from = task.version;
      await store.tasks.update('alice', task.id, taskPatch({ title: 'v2' }), T1);
      const last = (await store.tasks.update('alice', task.id, taskPatch({ title: 'v3' }), T2))!;
      const { changes } = await everything('alice', from);
      assert.deepEqual(changes.map((c) => ('task' in c ? plain(c.task) : c)), [plain(last)]);
    });

    it('never shows a task created and deleted after the version as upserted', async () => {
      const before = (await everything('alice', 0)).latest;
      const brief = await store.tasks.create('alice', draft('brief'), T0);
      await store.tasks.delete('alice', brief.id, T1);
      const { changes } = await everything('alice', before);
      assert.deepEqual(changes.map((c) => ('deleted' in c ? c.deleted : 'upserted')), [brief.id]);
    });

    it("never shows another user's changes, and answers an empty batch after the latest version", async () => {
      const bobs = await store.tasks.create('bob', draft('bob 2'), T0);
      await store.tasks.delete('bob', bobs.id, T1);
      const alice = await everything('alice', 0);
      assert.deepEqual(alice.changes, []);
      assert.equal(alice.latest, 0);
      const bob = await everything('bob', 0);
      assert.equal((await everything('bob', bob.latest)).changes.length, 0);
      assert.equal((await store.tasks.changesSince('nobody', 0, 10)).latest, 0);
    });

    it('walks every change exactly once in small pages, and a copy kept from them equals the tasks', async () => {
      const ids: TaskId[] = [];
      for (let i = 0; i < 12; i++) ids.push((await store.tasks.create('alice', draft(`t${i}`), T0)).id);
      for (const id of ids.slice(0, 4)) await store.tasks.toggleCompletion('alice', id, T1);
      for (const id of ids.slice(3, 7)) await store.tasks.delete('alice', id, T1);
      await store.tasks.update('alice', ids[8]!, taskPatch({ description: 'late' }), T2);
      const copy = new Map<TaskId, Task>();
      const seen: number[] = [];
      let after = 0;
      for (;;) {
        const { changes } = await store.tasks.changesSince('alice', after, 3);
        assert.ok(changes.length <= 3);
        if (changes.length === 0) break;
        seen.push(...changes.map((c) => c.version));
        applyChanges(copy, changes);
        after = changes.at(-1)!.version;
      }
      assert.equal(new Set(seen).size, seen.length, 'no change twice');
      assert.deepEqual([...seen].sort((a, b) => a - b), seen, 'in version order');
      const current = await store.tasks.list('alice', { status: 'all', sort: 'created', order: 'asc', limit: null, after: null });
      assert.deepEqual([...copy.values()].sort((a, b) => a.id - b.id).map(plain), current.map(plain));
    });

    it("tells one life of a user's account from the next: versions count anew, under another epoch", async () => {
      await store.tasks.create('dora', draft('first life'), T0);
      const before = await everything('dora', 0);
      assert.notEqual(before.epoch, 0);
      assert.equal(await store.users.delete('dora'), true);
      assert.deepEqual(await everything('dora', 0), { changes: [], latest: 0, epoch: 0 });
      const again = await store.tasks.create('dora', draft('second life'), T1);
      const after = await everything('dora', 0);
      assert.equal(again.version, 1);
      assert.notEqual(after.epoch, before.epoch);
    });

    it('forgets deletions made before a time, a bounded batch at a time, and a deleted user leaves none', async () => {
      for (const at of [T0, T0, T1]) {
        const task = await store.tasks.create('alice', draft('x'), T0);
        await store.tasks.delete('alice', task.id, at);
      }
      const bobs = await store.tasks.create('bob', draft('bob'), T0);
      await store.tasks.delete('bob', bobs.id, T0);
      assert.equal(await store.tasks.purgeDeletions(T1, 2), 2);
      assert.equal(await store.tasks.purgeDeletions(T1, 2), 1);
      assert.equal(await store.tasks.purgeDeletions(T1, 2), 0);
      assert.equal((await everything('alice', 0)).changes.length, 1, 'the deletion made at T1 is remembered');
      const carols = await store.tasks.create('carol', draft('c'), T0);
      await store.tasks.delete('carol', carols.id, T2);
      assert.equal(await store.users.delete('carol'), true);
      assert.deepEqual((await everything('carol', 0)).changes, []);
      assert.equal(await store.tasks.purgeDeletions(new Date(T2.getTime() + 1), 10), 1, "only alice's last deletion is left");
    });
  });
}
