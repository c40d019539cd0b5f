import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compareForListing, type Task, codePointLength, isStorableText } from '@todo/domain';
import { inMemoryStore, propertyRuns } from '@todo/application/testing';
import { databaseKinds, openPostgresTestStore, type PostgresTestStore } from '@todo/infrastructure/testing';
import fc from 'fast-check';
import type { TaskJson } from '../src/wire/task-json.js';
import { checkApiAgainstModel, startTestApp, type TestApp } from '../testing/index.js';

const tricky = fc.constantFrom(
  '😀', '👩‍👩‍👧', 'e\u0301', '\u200f', '\u202e', 'שלום', 'مرحبا', '"', "'", '\\', '`', '%', '_', ';', '--', '/*', '*/',
  "'; DROP TABLE tasks; --", '$1', '${x}', '\u00a0', '\t', '\n', '\r\n', '𝄞', '\ufeff', '\u2028', 'NULL', 'null', '<b>',
);
const text = (maxParts: number) => fc.array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: maxParts }).map((parts) => parts.join(''));
const validTitle = text(40).filter((t) => isStorableText(t) && t.trim().length > 0 && codePointLength(t.trim()) <= 200);
const validDescription = fc.option(text(120).filter((d) => isStorableText(d) && codePointLength(d) <= 1000), { nil: null });

const toTask = (t: TaskJson): Task => ({
  id: t.id, userId: t.user_id, title: t.title, description: t.description, completed: t.completed,
  dueDate: t.due_date === null ? null : new Date(t.due_date), createdAt: new Date(t.created_at), updatedAt: new Date(t.updated_at),
  version: 0, // not on the wire; compareForListing does not read it
});

describe('the HTTP API on the in-memory store', () => {
  it('behaves as its model (see testing/api-model.ts)', async (t) => {
    const result = await checkApiAgainstModel(inMemoryStore());
    t.diagnostic(`${result.numRuns} runs, seed ${result.seed}${result.interrupted ? ' (time limit reached)' : ''}`);
  });
});

for (const kind of databaseKinds) {
  describe(`properties over HTTP on postgres.js → ${kind.name}`, { skip: kind.skip }, () => {
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

    it('behaves as its model: random sequences of create, update, toggle, delete, get, list and paged walks by two users', async (t) => {
      const result = await checkApiAgainstModel(db.store);
      t.diagnostic(`${result.numRuns} runs, seed ${result.seed}${result.interrupted ? ' (time limit reached)' : ''}`);
    });

    it('round-trips any valid task byte-exact', async () => {
      await fc.assert(
        fc.asyncProperty(validTitle, validDescription, fc.boolean(), async (title, description, completed) => {
          const created = await api.request('/api/tasks', { method: 'POST', as: 'prop', json: { title, description, completed } });
          assert.equal(created.status, 201);
          const { data } = (await created.json()) as { data: TaskJson };
          const read = (await (await api.request(`/api/tasks/${data.id}`, { as: 'prop' })).json()) as { data: TaskJson };
          assert.equal(read.data.title, title.trim());
          assert.equal(read.data.description, description);
          assert.equal(read.data.completed, completed);
        }),
        propertyRuns(150),
      );
    });

    it('never answers 5xx, whatever JSON arrives on create or update', async () => {
      const created = await api.request('/api/tasks', { method: 'POST', as: 'fuzz', json: { title: 'target' } });
      const { data } = (await created.json()) as { data: TaskJson };
      const fieldish = fc.dictionary(
        fc.constantFrom('title', 'description', 'completed', 'due_date', 'user_id', '__proto__', 'constructor', 'id'),
        fc.jsonValue({ maxDepth: 2 }),
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fieldish), fc.constantFrom('POST', 'PUT', 'PATCH'), async (body, method) => {
          const path = method === 'POST' ? '/api/tasks' : `/api/tasks/${data.id}`;
          const response = await api.request(path, { method, as: 'fuzz', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
          await response.arrayBuffer();
          assert.ok(response.status < 500, `${method} ${JSON.stringify(body)} → ${response.status}`);
        }),
        propertyRuns(300),
      );
    });

    it('walks every surviving task exactly once, in order, while tasks are added and removed', async () => {
      const sorts = fc.constantFrom('created', 'updated', 'title', 'due_date');
      const orders = fc.constantFrom('asc', 'desc');
      const statuses = fc.constantFrom('all', 'pending', 'completed');
      const seed = fc.array(fc.record({ title: fc.constantFrom('a', 'B', 'b', 'c', 'Ä'), due: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }), done: fc.boolean() }), { minLength: 5, maxLength: 25 });
      const churn = fc.array(fc.record({ add: fc.nat(2), remove: fc.nat(2), pageSize: fc.integer({ min: 1, max: 7 }) }), { minLength: 30, maxLength: 30 });
      let round = 0;
      await fc.assert(
        fc.asyncProperty(seed, churn, sorts, orders, statuses, async (tasks, steps, sort, order, status) => {
          const user = `walker-${round++}`;
          const make = async (t: { title: string; due: number | null; done: boolean }) => {
            const json = { title: t.title, completed: t.done, due_date: t.due === null ? null : `2026-01-0${t.due}` };
            return ((await (await api.request('/api/tasks', { method: 'POST', as: user, json })).json()) as { data: TaskJson }).data;
          };
          const initial = [];
          for (const t of tasks) initial.push(await make(t));
          const removed = new Set<number>();
          const seen: TaskJson[] = [];
          let cursor: string | null = null;
          for (const step of steps) {
            const query: string = `?sort=${sort}&order=${order}&status=${status}&limit=${step.pageSize}${cursor === null ? '' : `&cursor=${cursor}`}`;
            const response = await api.request(`/api/tasks${query}`, { as: user });
            assert.equal(response.status, 200);
            const page = (await response.json()) as { data: TaskJson[]; meta: { next_cursor: string | null } };
            seen.push(...page.data);
            cursor = page.meta.next_cursor;
            if (cursor === null) break;
            for (let i = 0; i < step.add; i++) await make({ title: 'new', due: (i % 5) + 1, done: i % 2 === 0 });
            for (let i = 0; i < step.remove; i++) {
              const victim = initial[(seen.length * 7 + i * 3) % initial.length]!;
              if (removed.has(victim.id)) continue;
              removed.add(victim.id);
              await api.request(`/api/tasks/${victim.id}`, { method: 'DELETE', as: user });
            }
          }
          assert.equal(cursor, null, 'the walk ended');
          const ids = seen.map((t) => t.id);
          assert.equal(new Set(ids).size, ids.length, 'no task twice');
          const wanted = initial.filter((t) => !removed.has(t.id) && (status === 'all' || t.completed === (status === 'completed')));
          for (const t of wanted) assert.ok(ids.includes(t.id), `surviving task ${t.id} was skipped`);
          for (let i = 1; i < seen.length; i++) {
            assert.ok(compareForListing(toTask(seen[i - 1]!), toTask(seen[i]!), sort, order) < 0, 'pages are in order');
          }
        }),
        propertyRuns(25),
      );
    });
  });
}
