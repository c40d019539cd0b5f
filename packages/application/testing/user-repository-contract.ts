import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { draft, T0, T1 } from './fixtures.js';
import type { Store } from './in-memory-store.js';
import type { ContractOptions } from './task-repository-contract.js';

export function userRepositoryContract(name: string, open: () => Promise<Store>, options: ContractOptions = {}): void {
  describe(`UserRepository contract: ${name}`, { skip: options.skip ?? false }, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });

    it('creates a user, then updates only the fields given', async () => {
      await store.users.upsert({ id: 'u1', email: 'a@example.com', name: 'Ann' }, T0);
      assert.deepEqual(await store.users.find('u1'), { id: 'u1', email: 'a@example.com', name: 'Ann' });
      await store.users.upsert({ id: 'u1', email: null, name: 'Annie' }, T1);
      assert.deepEqual(await store.users.find('u1'), { id: 'u1', email: 'a@example.com', name: 'Annie' });
      assert.equal(await store.users.find('nobody'), null);
    });

    it('moves an email to the user presenting it', async () => {
      await store.users.upsert({ id: 'old', email: 'shared@example.com', name: null }, T0);
      await store.users.upsert({ id: 'new', email: 'shared@example.com', name: null }, T1);
      assert.equal((await store.users.find('new'))?.email, 'shared@example.com');
      assert.equal((await store.users.find('old'))?.email, null);
      await store.users.upsert({ id: 'old', email: 'shared@example.com', name: null }, T1);
      assert.equal((await store.users.find('old'))?.email, 'shared@example.com');
      assert.equal((await store.users.find('new'))?.email, null);
    });

    it('survives the same first sight arriving twice at once', async () => {
      await Promise.all([
        store.users.upsert({ id: 'twin', email: 't@example.com', name: 'T' }, T0),
        store.users.upsert({ id: 'twin', email: 't@example.com', name: 'T' }, T0),
      ]);
      assert.deepEqual(await store.users.find('twin'), { id: 'twin', email: 't@example.com', name: 'T' });
    });

    it('deletes a user with all their tasks, and nobody else’s', async () => {
      await store.users.upsert({ id: 'gone', email: null, name: null }, T0);
      await store.users.upsert({ id: 'stays', email: null, name: null }, T0);
      const doomed = await store.tasks.create('gone', draft('doomed'), T0);
      const kept = await store.tasks.create('stays', draft('kept'), T0);
      assert.equal(await store.users.delete('gone'), true);
      assert.equal(await store.users.find('gone'), null);
      assert.equal(await store.tasks.get('gone', doomed.id), null);
      assert.equal((await store.tasks.get('stays', kept.id))?.title, 'kept');
      assert.equal(await store.users.delete('gone'), false);
    });
  });
}
