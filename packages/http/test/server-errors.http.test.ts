import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds, openPostgresTestStore, type PostgresTestStore } from '@todo/infrastructure/testing';
import { startTestApp, type TestApp } from '../testing/index.js';

/**
 * Issue 9 item 11: what the server reports as "cannot do it now" (disk full, out of memory,
 * I/O error, ...) is 503 + Retry-After, logged at error with its SQLSTATE; a bug stays 500.
 * The server itself raises each SQLSTATE, from a trigger, on writes to tasks.
 */
const transient = ['53100', '53200', '53000', '53400', '58030', '58000', '40001', '40P01', '25006', '55P03'];
const bugs = ['23514', 'XX000', '42P01'];

for (const kind of databaseKinds) {
  describe(`SQLSTATEs answered 503 or 500 on postgres.js → ${kind.name}`, { skip: kind.skip }, () => {
    let db: PostgresTestStore;
    let api: TestApp;
    let taskId: number;
    before(async () => {
      db = await openPostgresTestStore(kind);
      api = await startTestApp({ store: db.store });
      const created = await api.request('/api/tasks', { method: 'POST', as: 'disk', json: { title: 'toggle me' } });
      taskId = ((await created.json()) as { data: { id: number } }).data.id;
    });
    after(async () => {
      await api?.close();
      await db?.stop();
    });

    const failWith = async (code: string) => {
      await db.sql.unsafe(`
        create or replace function fail_write() returns trigger language plpgsql as $$
        begin raise exception 'simulated failure' using errcode = '${code}'; end $$;
        drop trigger if exists fail_write on tasks;
        create trigger fail_write before insert or update on tasks for each row execute function fail_write();`);
    };
    const heal = () => db.sql.unsafe('drop trigger if exists fail_write on tasks');

    for (const code of [...transient, ...bugs]) {
      const status = transient.includes(code) ? 503 : 500;
      it(`SQLSTATE ${code} on create and toggle: ${status}`, async () => {
        await failWith(code);
        try {
          const before = api.logs.length;
          const created = await api.request('/api/tasks', { method: 'POST', as: 'disk', json: { title: 'x' } });
          const toggled = await api.request(`/api/tasks/${taskId}/complete`, { method: 'PATCH', as: 'disk' });
          for (const response of [created, toggled]) {
            assert.equal(response.status, status);
            assert.equal(response.headers.has('retry-after'), status === 503);
            assert.doesNotMatch(await response.text(), /simulated|trigger/);
          }
          const lines = api.logs.slice(before).filter((l) => l['status'] === status);
          assert.equal(lines.length, 2);
          for (const line of lines) {
            assert.equal(line['level'], 50);
            assert.match(JSON.stringify(line['err']), new RegExp(code));
          }
        } finally {
          await heal();
        }
      });
    }
  });
}
