import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inMemoryStore, type Store } from '@todo/application/testing';
import { databaseKinds, openPostgresTestStore, type PostgresTestStore } from '@todo/infrastructure/testing';
import { startTestApp, type TestApp } from '../testing/index.js';

/**
 * Issue 9 item 4, SPEC §2: the first authenticated request of a user creates their row,
 * also after `cli delete-user` removed it in another process while this one remembers the
 * user as already created.
 */
const kinds = [
  { name: 'in-memory', skip: false as const, open: async () => ({ store: inMemoryStore(), stop: async () => {} }) },
  ...databaseKinds.map((kind) => ({
    name: `postgres.js → ${kind.name}`,
    skip: kind.skip,
    open: async () => {
      const db: PostgresTestStore = await openPostgresTestStore(kind);
      return { store: db.store, stop: () => db.stop() };
    },
  })),
];

for (const kind of kinds) {
  describe(`a deleted user's next request, of any kind, creates their row again: ${kind.name}`, { skip: kind.skip }, () => {
    let opened: { store: Store; stop(): Promise<void> };
    let api: TestApp;
    before(async () => {
      opened = await kind.open();
      api = await startTestApp({ store: opened.store });
    });
    after(async () => {
      await api?.close();
      await opened?.stop();
    });

    const requests: [string, (user: string, id: number) => Promise<Response>][] = [
      ['GET /api/tasks', (user) => api.request('/api/tasks', { as: user })],
      ['GET /api/tasks/:id', (user, id) => api.request(`/api/tasks/${id}`, { as: user })],
      ['PUT /api/tasks/:id', (user, id) => api.request(`/api/tasks/${id}`, { method: 'PUT', as: user, json: { title: 'x' } })],
      ['PATCH /api/tasks/:id/complete', (user, id) => api.request(`/api/tasks/${id}/complete`, { method: 'PATCH', as: user })],
      ['DELETE /api/tasks/:id', (user, id) => api.request(`/api/tasks/${id}`, { method: 'DELETE', as: user })],
      ['POST /api/tasks', (user) => api.request('/api/tasks', { method: 'POST', as: user, json: { title: 'x' } })],
    ];
    for (const [name, send] of requests) {
      it(name, async () => {
        const user = `deleted-${name.replace(/\W+/g, '-')}`;
        const created = await api.request('/api/tasks', { method: 'POST', as: user, json: { title: 'mine' } });
        const { id } = ((await created.json()) as { data: { id: number } }).data;
        assert.equal(await opened.store.users.delete(user), true); // what `cli delete-user` does
        const response = await send(user, id);
        assert.ok(response.status < 500, `status ${response.status}`);
        assert.notEqual(await opened.store.users.find(user), null, 'the users row exists again');
      });
    }
  });
}
