import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '@todo/application/testing';
import { databaseKinds } from '@todo/infrastructure/testing';
import fc from 'fast-check';
import type { TaskJson } from '../src/wire/task-json.js';
import { appOnDatabase, startTestApp, type TestApp } from '../testing/index.js';

interface ChangesBody {
  data: { upserted: TaskJson[]; deleted: number[] };
  meta: { next_since: string; has_more: boolean };
}

const DAY_MS = 86_400_000;

async function changes(api: TestApp, as: string, query = ''): Promise<ChangesBody> {
  const response = await api.request(`/api/tasks/changes${query}`, { as });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as ChangesBody;
}

/** Follows next_since until has_more is false, applying every page to `copy`; the last token. */
async function drain(api: TestApp, as: string, copy: Map<number, TaskJson>, since: string | null, limit = 500): Promise<string> {
  let token = since;
  for (;;) {
    const page = await changes(api, as, `?limit=${limit}${token === null ? '' : `&since=${token}`}`);
    for (const task of page.data.upserted) copy.set(task.id, task);
    for (const id of page.data.deleted) copy.delete(id);
    token = page.meta.next_since;
    if (!page.meta.has_more) return token;
  }
}

async function currentTasks(api: TestApp, as: string): Promise<TaskJson[]> {
  const { data } = (await (await api.request('/api/tasks?sort=created&order=asc', { as })).json()) as { data: TaskJson[] };
  return data.sort((a, b) => a.id - b.id);
}

const sorted = (copy: Map<number, TaskJson>) => [...copy.values()].sort((a, b) => a.id - b.id);

describe('GET /api/tasks/changes on the in-memory store', () => {
  let api: TestApp;
  const clock = manualClock(new Date('2026-06-01T00:00:00.000Z'));
  before(async () => {
    api = await startTestApp({ clock, changesRetentionDays: 30 });
  });
  after(() => api.close());

  const create = async (as: string, title: string) =>
    ((await (await api.request('/api/tasks', { method: 'POST', as, json: { title } })).json()) as { data: TaskJson }).data;

  it('gives a snapshot without since, then each create, update, toggle and delete once', async () => {
    const first = await create('ann', 'first');
    const second = await create('ann', 'second');
    const snapshot = await changes(api, 'ann');
    assert.deepEqual(snapshot.data.upserted.map((t) => t.id), [first.id, second.id]);
    assert.deepEqual(snapshot.data.deleted, []);
    assert.equal(snapshot.meta.has_more, false);

    const idle = await changes(api, 'ann', `?since=${snapshot.meta.next_since}`);
    assert.deepEqual(idle.data, { upserted: [], deleted: [] }, 'nothing changed: nothing sent again');
    assert.equal(idle.meta.has_more, false);

    await api.request(`/api/tasks/${first.id}`, { method: 'PATCH', as: 'ann', json: { title: 'renamed' } });
    await api.request(`/api/tasks/${first.id}/complete`, { method: 'PATCH', as: 'ann' });
    await api.request(`/api/tasks/${second.id}`, { method: 'DELETE', as: 'ann' });
    const third = await create('ann', 'third');
    const delta = await changes(api, 'ann', `?since=${idle.meta.next_since}`);
    assert.deepEqual(delta.data.upserted.map((t) => [t.id, t.title, t.completed]), [[first.id, 'renamed', true], [third.id, 'third', false]]);
    assert.deepEqual(delta.data.deleted, [second.id]);
  });

  it('pages with limit, counting upserted and deleted together', async () => {
    const tasks = [];
    for (let i = 0; i < 5; i++) tasks.push(await create('pager', `t${i}`));
    const start = (await changes(api, 'pager')).meta.next_since;
    await api.request(`/api/tasks/${tasks[0]!.id}`, { method: 'DELETE', as: 'pager' });
    await api.request(`/api/tasks/${tasks[1]!.id}/complete`, { method: 'PATCH', as: 'pager' });
    await api.request(`/api/tasks/${tasks[2]!.id}`, { method: 'DELETE', as: 'pager' });
    const page1 = await changes(api, 'pager', `?since=${start}&limit=2`);
    assert.deepEqual([page1.data.deleted, page1.data.upserted.map((t) => t.id), page1.meta.has_more], [[tasks[0]!.id], [tasks[1]!.id], true]);
    const page2 = await changes(api, 'pager', `?since=${page1.meta.next_since}&limit=2`);
    assert.deepEqual([page2.data.deleted, page2.data.upserted, page2.meta.has_more], [[tasks[2]!.id], [], false]);
  });

  it("refuses a token altered or presented by another user (422 naming since), and a bad limit (422 naming limit)", async () => {
    const { meta } = await changes(api, 'owner');
    const [body, mac] = meta.next_since.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify([0, Date.now()])).toString('base64url')}.${mac}`;
    for (const [as, since] of [['intruder', meta.next_since], ['owner', forged], ['owner', `${body}.${mac}x`], ['owner', 'garbage'], ['owner', '']] as const) {
      const response = await api.request(`/api/tasks/changes?since=${encodeURIComponent(since)}`, { as });
      assert.equal(response.status, 422, `${as} ${since}`);
      const { error } = (await response.json()) as { error: { code: string; details: { field: string }[] } };
      assert.equal(error.code, 'VALIDATION_ERROR');
      assert.deepEqual(error.details.map((d) => d.field), ['since']);
    }
    for (const limit of ['0', '501', '-1', '1.5', 'ten', '', '01']) {
      const response = await api.request(`/api/tasks/changes?limit=${limit}`, { as: 'owner' });
      assert.equal(response.status, 422, `limit=${limit}`);
      assert.deepEqual(((await response.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field), ['limit']);
    }
    assert.equal((await api.request('/api/tasks/changes?limit=1&limit=2', { as: 'owner' })).status, 422);
    assert.equal((await api.request(`/api/tasks/changes?since=${meta.next_since}&since=${meta.next_since}`, { as: 'owner' })).status, 422);
    assert.equal((await api.request('/api/tasks/changes?limit=500&unknown=1', { as: 'owner' })).status, 200);
  });

  it('answers 410 SYNC_TOKEN_EXPIRED for a token older than CHANGES_RETENTION_DAYS', async () => {
    const { meta } = await changes(api, 'traveller');
    clock.advance(30 * DAY_MS);
    assert.equal((await api.request(`/api/tasks/changes?since=${meta.next_since}`, { as: 'traveller' })).status, 200, 'exactly the retention: still fine');
    clock.advance(1);
    const response = await api.request(`/api/tasks/changes?since=${meta.next_since}`, { as: 'traveller' });
    assert.equal(response.status, 410);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'SYNC_TOKEN_EXPIRED');
    assert.equal((await api.request('/api/tasks/changes', { as: 'traveller' })).status, 200, 'starting again without since works');
  });

  it('answers 410 to a token from before the user was deleted, whose versions count anew', async () => {
    await create('phoenix', 'first life');
    const { meta } = await changes(api, 'phoenix');
    assert.equal(await api.store.users.delete('phoenix'), true);
    clock.advance(1000);
    await create('phoenix', 'second life');
    const response = await api.request(`/api/tasks/changes?since=${meta.next_since}`, { as: 'phoenix' });
    assert.equal(response.status, 410);
    const fresh = await changes(api, 'phoenix');
    assert.deepEqual(fresh.data.upserted.map((t) => t.title), ['second life']);
  });

  it('needs a token like every /api/ route', async () => {
    assert.equal((await fetch(`${api.url}/api/tasks/changes`)).status, 401);
  });
});

for (const kind of databaseKinds) {
  describe(`changes feed convergence over HTTP on ${kind.name}`, { skip: kind.skip }, () => {
    const app = appOnDatabase(kind);

    type Op = { kind: 'create' } | { kind: 'update' | 'toggle' | 'delete'; pick: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.constant({ kind: 'create' } as const),
      fc.record({ kind: fc.constantFrom('update', 'toggle', 'delete'), pick: fc.nat() }),
    );

    it('a client syncing while the same user writes concurrently ends with exactly the current tasks', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 4 }),
          async (bursts, limit) => {
            const user = `sync-${kind.name.length}-${run++}`;
            const ids: number[] = [];
            const copy = new Map<number, TaskJson>();
            let token: string | null = null;
            let writing = true;
            const reader = (async () => {
              while (writing) token = await drain(app.api, user, copy, token, limit);
            })();
            for (const burst of bursts) {
              // Each burst is several requests of one user in flight at once: they commit in any order.
              await Promise.all(burst.map(async (o) => {
                if (o.kind === 'create') {
                  const response = await app.api.request('/api/tasks', { method: 'POST', as: user, json: { title: 'x' } });
                  ids.push(((await response.json()) as { data: TaskJson }).data.id);
                  return;
                }
                if (ids.length === 0) return;
                const id = ids[o.pick % ids.length]!;
                const request = {
                  update: { method: 'PATCH', path: `/api/tasks/${id}`, json: { title: `t${o.pick}` } },
                  toggle: { method: 'PATCH', path: `/api/tasks/${id}/complete` },
                  delete: { method: 'DELETE', path: `/api/tasks/${id}` },
                }[o.kind];
                const response = await app.api.request(request.path, { method: request.method, as: user, ...('json' in request && { json: request.json }) });
                assert.ok([200, 204, 404].includes(response.status), `${o.kind}: ${response.status}`);
              }));
            }
            writing = false;
            await reader;
            await drain(app.api, user, copy, token, limit);
            assert.deepEqual(sorted(copy), await currentTasks(app.api, user));
          }),
        { numRuns: kind.name.includes('PGlite') ? 8 : 60, seed: 20261202 },
      );
    });
  });
}
