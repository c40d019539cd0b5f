import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../testing/index.js';

interface ListBody {
  data: { id: number; title: string; completed: boolean; due_date: string | null }[];
  meta: { count: number; next_cursor: string | null };
}

describe('listing (SPEC §3 "Listing")', () => {
  let api: TestApp;
  const list = async (query: string, as = 'lister') => {
    const response = await api.request(`/api/tasks${query}`, { as });
    assert.equal(response.status, 200, `${query}: ${response.status}`);
    return (await response.json()) as ListBody;
  };
  const status = async (query: string, as = 'lister') => (await api.request(`/api/tasks${query}`, { as })).status;

  before(async () => {
    api = await startTestApp();
    const specs = [
      { title: 'banana', due_date: '2026-05-01', completed: false },
      { title: 'Apple', due_date: null, completed: true },
      { title: 'cherry', due_date: '2026-04-01', completed: false },
      { title: 'apple', due_date: '2026-04-01', completed: true },
      { title: 'date', due_date: null, completed: false },
    ];
    for (const json of specs) {
      assert.equal((await api.request('/api/tasks', { method: 'POST', as: 'lister', json })).status, 201);
      await new Promise((later) => setTimeout(later, 2));
    }
    await api.request('/api/tasks', { method: 'POST', as: 'other', json: { title: 'not yours' } });
  });
  after(() => api.close());

  it('returns every task of the caller, newest first, with meta.count and no next cursor', async () => {
    const body = await list('');
    assert.deepEqual(body.data.map((t) => t.title), ['date', 'apple', 'cherry', 'Apple', 'banana']);
    assert.deepEqual(body.meta, { count: 5, next_cursor: null });
  });

  it('sorts titles A→Z case-insensitively, ties by id', async () => {
    assert.deepEqual((await list('?sort=title')).data.map((t) => t.title), ['Apple', 'apple', 'banana', 'cherry', 'date']);
    assert.deepEqual((await list('?sort=title&order=desc')).data.map((t) => t.title), ['date', 'cherry', 'banana', 'apple', 'Apple']);
  });

  it('puts undated tasks last in both directions of due_date', async () => {
    assert.deepEqual((await list('?sort=due_date')).data.map((t) => t.title), ['cherry', 'apple', 'banana', 'Apple', 'date']);
    assert.deepEqual((await list('?sort=due_date&order=desc')).data.map((t) => t.title), ['banana', 'apple', 'cherry', 'date', 'Apple']);
  });

  it('filters by status', async () => {
    assert.deepEqual((await list('?status=completed&sort=title')).data.map((t) => t.title), ['Apple', 'apple']);
    assert.deepEqual((await list('?status=pending&sort=title')).data.map((t) => t.title), ['banana', 'cherry', 'date']);
  });

  it('pages with limit and cursor in the same order, and limit may change between pages', async () => {
    const first = await list('?sort=title&limit=2');
    assert.deepEqual(first.data.map((t) => t.title), ['Apple', 'apple']);
    assert.equal(first.meta.count, 2);
    assert.ok(first.meta.next_cursor);
    const second = await list(`?sort=title&limit=1&cursor=${first.meta.next_cursor}`);
    assert.deepEqual(second.data.map((t) => t.title), ['banana']);
    const rest = await list(`?sort=title&limit=500&cursor=${second.meta.next_cursor}`);
    assert.deepEqual(rest.data.map((t) => t.title), ['cherry', 'date']);
    assert.equal(rest.meta.next_cursor, null);
  });

  it('ignores unknown parameters', async () => {
    assert.equal((await list('?colour=blue&page=3')).meta.count, 5);
  });

  const invalid = [
    '?status=ALL', '?status=done', '?status=', '?sort=Title', '?sort=priority', '?sort=', '?order=DESC', '?order=up', '?order=',
    '?limit=0', '?limit=501', '?limit=-1', '?limit=1.5', '?limit=abc', '?limit=', '?limit=01', '?cursor=', '?cursor=garbage',
    '?status=all&status=all', '?sort=title&sort=created', '?limit=1&limit=2', '?order=asc&order=asc',
  ];
  for (const query of invalid) {
    it(`refuses ${query} with 422`, async () => {
      const response = await api.request(`/api/tasks${query}`, { as: 'lister' });
      assert.equal(response.status, 422);
      const body = (await response.json()) as { error: { code: string; details: { field: string }[] } };
      assert.equal(body.error.code, 'VALIDATION_ERROR');
      assert.equal(body.error.details.length, 1);
    });
  }

  describe('cursors are bound to their user, status, sort and order', () => {
    let cursor: string;
    before(async () => {
      cursor = (await list('?sort=title&limit=1')).meta.next_cursor!;
    });

    it('works for its own listing', async () => {
      assert.equal(await status(`?sort=title&limit=1&cursor=${cursor}`), 200);
      assert.equal(await status(`?sort=title&order=asc&status=all&limit=1&cursor=${cursor}`), 200);
    });
    it('is refused for another user', async () => assert.equal(await status(`?sort=title&limit=1&cursor=${cursor}`, 'other'), 422));
    it('is refused with another sort', async () => assert.equal(await status(`?sort=created&limit=1&cursor=${cursor}`), 422));
    it('is refused with another order', async () => assert.equal(await status(`?sort=title&order=desc&limit=1&cursor=${cursor}`), 422));
    it('is refused with another status', async () => assert.equal(await status(`?sort=title&status=pending&limit=1&cursor=${cursor}`), 422));
    it('is refused when altered', async () => {
      const [body, mac] = cursor.split('.') as [string, string];
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as unknown[];
      payload[4] = 1;
      const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
      assert.equal(await status(`?sort=title&limit=1&cursor=${forged}`), 422);
      assert.equal(await status(`?sort=title&limit=1&cursor=${body}.${mac.slice(1)}A`), 422);
    });
  });
});
