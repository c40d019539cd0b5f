import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds, openPostgresTestStore, type PostgresTestStore } from '@todo/infrastructure/testing';
import { startTestApp, type TestApp } from '../testing/index.js';

/** Issue 9 item 1: years 0001–9999 read back exactly; a stored row can never make a read fail. */
for (const kind of databaseKinds) {
  describe(`due dates of every accepted year on postgres.js → ${kind.name}`, { skip: kind.skip }, () => {
    let db: PostgresTestStore;
    let api: TestApp;
    before(async () => {
      db = await openPostgresTestStore(kind);
      api = await startTestApp({ store: db.store });
    });
    after(async () => {
      await api?.close();
      await db?.stop();
    });

    const exact: [string, string][] = [
      ['0015-01-10', '0015-01-10T00:00:00.000Z'],
      ['0001-01-01', '0001-01-01T00:00:00.000Z'],
      ['0099-06-01T12:00+05:00', '0099-06-01T07:00:00.000Z'],
      ['0031-12-31T23:59:59.999Z', '0031-12-31T23:59:59.999Z'],
      ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ];
    for (const [input, iso] of exact) {
      it(`creates ${input} and reads it back as ${iso}, one task and the list`, async () => {
        const created = await api.request('/api/tasks', { method: 'POST', as: 'years', json: { title: 't', due_date: input } });
        assert.equal(created.status, 201);
        const { data } = (await created.json()) as { data: { id: number; due_date: string } };
        assert.equal(data.due_date, iso);
        const read = await api.request(`/api/tasks/${data.id}`, { as: 'years' });
        assert.equal(((await read.json()) as { data: { due_date: string } }).data.due_date, iso);
        const toggled = await api.request(`/api/tasks/${data.id}/complete`, { method: 'PATCH', as: 'years' });
        assert.equal(toggled.status, 200);
        const list = await api.request('/api/tasks', { as: 'years' });
        assert.equal(list.status, 200);
      });
    }

    for (const input of ['0000-01-01', '0001-01-01T00:00+00:01', '9999-12-31T23:00-01:00', '10000-01-01']) {
      it(`refuses ${input} (outside 0001–9999 in UTC) with 422, storing nothing`, async () => {
        const response = await api.request('/api/tasks', { method: 'POST', as: 'refused-years', json: { title: 't', due_date: input } });
        assert.equal(response.status, 422);
        const list = (await (await api.request('/api/tasks', { as: 'refused-years' })).json()) as { data: unknown[] };
        assert.deepEqual(list.data, []);
      });
    }

    it('lists a user whose rows hold dates the API never writes (BC, year 10000, ±infinity) without a 500', async () => {
      await api.request('/api/tasks', { method: 'POST', as: 'odd-rows', json: { title: 'first' } });
      for (const [index, due] of ['0001-01-01 00:00:00+00 BC', '10000-01-01 00:00:00+00', 'infinity', '-infinity'].entries()) {
        const version = 1000 + index; // any version the API has not given: this user's first task holds a low one
        await db.sql`insert into tasks (user_id, title, due_date, created_at, updated_at, version) values ('odd-rows', 'odd', ${due}::timestamptz, now(), now(), ${version})`;
      }
      const list = await api.request('/api/tasks?sort=due_date', { as: 'odd-rows' });
      assert.equal(list.status, 200);
      assert.equal(((await list.json()) as { data: unknown[] }).data.length, 5);
    });
  });
}
