import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALLOWED_ORIGIN, startTestApp, type TestApp } from '../testing/index.js';

type TaskBody = { data: { id: number; title: string; completed: boolean } };

describe('ETag, If-None-Match and If-Match over HTTP', () => {
  let api: TestApp;
  before(async () => {
    api = await startTestApp();
  });
  after(() => api.close());

  const create = async (as: string, title = 'task') => {
    const response = await api.request('/api/tasks', { method: 'POST', as, json: { title } });
    assert.equal(response.status, 201);
    const { data } = (await response.json()) as TaskBody;
    return { id: data.id, path: `/api/tasks/${data.id}`, etag: response.headers.get('ETag')! };
  };

  it('puts a strong ETag on every single-task response, new on every write, never repeated', async () => {
    const task = await create('etags');
    assert.match(task.etag, /^"[^"]+"$/);
    const got = await api.request(task.path, { as: 'etags' });
    assert.equal(got.headers.get('ETag'), task.etag);
    const seen = [task.etag];
    for (const [method, path, json] of [
      ['PUT', task.path, { title: 'a' }], ['PATCH', task.path, { title: 'b' }],
      ['PATCH', `${task.path}/complete`], ['PATCH', `${task.path}/complete`],
    ] as const) {
      const response = await api.request(path, { method, as: 'etags', ...(json !== undefined && { json }) });
      assert.equal(response.status, 200);
      seen.push(response.headers.get('ETag')!);
      assert.equal((await api.request(task.path, { as: 'etags' })).headers.get('ETag'), seen.at(-1));
    }
    assert.equal(new Set(seen).size, seen.length, `toggling back and forth still gives new tags: ${seen.join(' ')}`);
  });

  it('answers 304 with the ETag and no body when If-None-Match matches, on one task and on the list', async () => {
    const task = await create('cache');
    const weakOfStrong = `W/${task.etag}`;
    for (const header of [task.etag, weakOfStrong, `"other", ${task.etag}`, '*']) {
      const response = await api.request(task.path, { as: 'cache', headers: { 'If-None-Match': header } });
      assert.equal(response.status, 304, header);
      assert.equal(response.headers.get('ETag'), task.etag);
      assert.equal(await response.text(), '');
    }
    assert.equal((await api.request(task.path, { as: 'cache', headers: { 'If-None-Match': '"other"' } })).status, 200);

    const list = await api.request('/api/tasks', { as: 'cache' });
    const listTag = list.headers.get('ETag')!;
    assert.match(listTag, /^W\/"[^"]+"$/);
    const again = await api.request('/api/tasks', { as: 'cache', headers: { 'If-None-Match': listTag } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get('ETag'), listTag);
    assert.equal(await again.text(), '');

    await api.request(`${task.path}/complete`, { method: 'PATCH', as: 'cache' });
    const changed = await api.request('/api/tasks', { as: 'cache', headers: { 'If-None-Match': listTag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('ETag'), listTag);
    assert.equal(((await changed.json()) as { data: { completed: boolean }[] }).data[0]?.completed, true);
    const stale = await api.request(task.path, { as: 'cache', headers: { 'If-None-Match': task.etag } });
    assert.equal(stale.status, 200);
  });

  it('refuses a write whose If-Match is stale with 412, and leaves the task unchanged', async () => {
    const task = await create('guard', 'original');
    const moved = await api.request(task.path, { method: 'PATCH', as: 'guard', json: { title: 'moved on' }, headers: { 'If-Match': task.etag } });
    assert.equal(moved.status, 200);
    const current = moved.headers.get('ETag')!;
    const before = await (await api.request(task.path, { as: 'guard' })).text();
    for (const [method, path, json] of [
      ['PUT', task.path, { title: 'lost' }], ['PATCH', task.path, { title: 'lost' }], ['PATCH', `${task.path}/complete`], ['DELETE', task.path],
    ] as const) {
      const response = await api.request(path, { method, as: 'guard', headers: { 'If-Match': task.etag }, ...(json !== undefined && { json }) });
      assert.equal(response.status, 412, `${method} ${path}`);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'PRECONDITION_FAILED');
    }
    const read = await api.request(task.path, { as: 'guard' });
    assert.equal(await read.text(), before);
    assert.equal(read.headers.get('ETag'), current);
  });

  it('matches "*", any tag of a list, and never a weak tag', async () => {
    const task = await create('match');
    const weak = await api.request(task.path, { method: 'PATCH', as: 'match', json: { title: 'x' }, headers: { 'If-Match': `W/${task.etag}` } });
    assert.equal(weak.status, 412);
    for (const garbled of ['', 'not-a-tag', '"', task.etag.slice(1, -1)]) {
      const response = await api.request(task.path, { method: 'PATCH', as: 'match', json: { title: 'x' }, headers: { 'If-Match': garbled } });
      assert.equal(response.status, 412, `If-Match: ${garbled}`);
    }
    const listed = await api.request(task.path, { method: 'PATCH', as: 'match', json: { title: 'y' }, headers: { 'If-Match': `"nope", W/"x", ${task.etag}` } });
    assert.equal(listed.status, 200);
    const star = await api.request(`${task.path}/complete`, { method: 'PATCH', as: 'match', headers: { 'If-Match': '*' } });
    assert.equal(star.status, 200);
    const deleted = await api.request(task.path, { method: 'DELETE', as: 'match', headers: { 'If-Match': star.headers.get('ETag')! } });
    assert.equal(deleted.status, 204);
    const gone = await api.request(task.path, { method: 'PATCH', as: 'match', json: { title: 'z' }, headers: { 'If-Match': '*' } });
    assert.equal(gone.status, 404);
  });

  it('answers 404 before 412: an absent or foreign task, whatever If-Match says', async () => {
    const task = await create('owner');
    for (const as of ['owner', 'intruder']) {
      const path = as === 'owner' ? '/api/tasks/999999' : task.path;
      for (const [method, target] of [['PATCH', path], ['PATCH', `${path}/complete`], ['DELETE', path]] as const) {
        for (const ifMatch of ['"0.0"', task.etag, '*']) {
          const response = await api.request(target, {
            method, as, headers: { 'If-Match': ifMatch }, ...(method === 'PATCH' && !target.endsWith('complete') && { json: { title: 'x' } }),
          });
          assert.equal(response.status, 404, `${as} ${method} ${target} If-Match: ${ifMatch}`);
        }
      }
    }
    assert.equal((await api.request(task.path, { as: 'owner' })).headers.get('ETag'), task.etag);
  });

  it('lets exactly one of 20 concurrent writes with the same If-Match through; the others get 412', async () => {
    const task = await create('race');
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      api.request(task.path, { method: 'PATCH', as: 'race', json: { title: `w${i}` }, headers: { 'If-Match': task.etag } }).then((r) => r.status)));
    assert.deepEqual(statuses.sort(), [200, ...Array(19).fill(412)]);
  });

  it('allows the conditional headers in CORS preflights and exposes ETag, Location and Idempotency-Replayed', async () => {
    const preflight = await api.request('/api/tasks/1', {
      method: 'OPTIONS',
      headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'if-match,if-none-match,idempotency-key' },
    });
    const allowed = preflight.headers.get('Access-Control-Allow-Headers')!.toLowerCase();
    for (const header of ['if-match', 'if-none-match', 'idempotency-key']) assert.ok(allowed.includes(header), allowed);
    const response = await api.request('/api/tasks', { as: 'cors', headers: { Origin: ALLOWED_ORIGIN } });
    const exposed = response.headers.get('Access-Control-Expose-Headers')!.toLowerCase();
    for (const header of ['etag', 'location', 'idempotency-replayed']) assert.ok(exposed.includes(header), exposed);
  });
});

describe('REQUIRE_IF_MATCH=true', () => {
  let api: TestApp;
  before(async () => {
    api = await startTestApp({ writePolicy: { requireIfMatch: true, idempotencyTtlSeconds: 60 } });
  });
  after(() => api.close());

  it('answers 428 to writes without If-Match, the same for an absent and a foreign task, and lets conditional ones through', async () => {
    const created = await api.request('/api/tasks', { method: 'POST', as: 'strict', json: { title: 'creates need no If-Match' } });
    assert.equal(created.status, 201);
    const { data } = (await created.json()) as TaskBody;
    const etag = created.headers.get('ETag')!;
    const answers = new Set<string>();
    for (const [as, id] of [['strict', data.id], ['strict', 999999], ['other', data.id]] as const) {
      for (const [method, path, json] of [
        ['PUT', `/api/tasks/${id}`, { title: 'x' }], ['PATCH', `/api/tasks/${id}`, { title: 'x' }],
        ['PATCH', `/api/tasks/${id}/complete`], ['DELETE', `/api/tasks/${id}`],
      ] as const) {
        const response = await api.request(path, { method, as, ...(json !== undefined && { json }) });
        assert.equal(response.status, 428, `${as} ${method} ${path}`);
        answers.add(await response.text());
      }
    }
    assert.deepEqual([...answers], [JSON.stringify({ error: { code: 'PRECONDITION_REQUIRED', message: "This write needs an If-Match header with the task's ETag" } })]);
    const read = await api.request(`/api/tasks/${data.id}`, { as: 'strict' });
    assert.equal(read.headers.get('ETag'), etag, 'nothing was written');
    const ok = await api.request(`/api/tasks/${data.id}`, { method: 'PATCH', as: 'strict', json: { title: 'y' }, headers: { 'If-Match': etag } });
    assert.equal(ok.status, 200);
  });
});
