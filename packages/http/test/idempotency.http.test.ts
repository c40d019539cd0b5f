import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inMemoryStore, manualClock } from '@todo/application/testing';
import { countingStore, startTestApp, storeKinds, type TestApp } from '../testing/index.js';

const TTL_S = 60;

for (const kind of storeKinds) {
  describe(`Idempotency-Key over HTTP on ${kind.name}`, { skip: kind.skip }, () => {
    let api: TestApp;
    let stop: () => Promise<void>;
    const clock = manualClock(new Date());
    before(async () => {
      const opened = await kind.open();
      stop = opened.stop;
      api = await startTestApp({ store: opened.store, clock, writePolicy: { requireIfMatch: false, idempotencyTtlSeconds: TTL_S } });
    });
    after(async () => {
      await api?.close();
      await stop?.();
    });

    const post = (as: string, key: string | undefined, json: unknown) =>
      api.request('/api/tasks', { method: 'POST', as, json, headers: key === undefined ? {} : { 'Idempotency-Key': key } });
    const count = async (as: string) => ((await (await api.request('/api/tasks', { as })).json()) as { meta: { count: number } }).meta.count;

    it('replays a create: same status, byte-identical body, same Location and ETag, marked replayed; nothing created twice', async () => {
      const body = { title: '  Buy milk ', description: 'two', due_date: '2026-12-01T10:30:00.123+02:00' };
      const first = await post('replay', 'k-1', body);
      assert.equal(first.status, 201);
      assert.equal(first.headers.get('Idempotency-Replayed'), null);
      const firstBody = await first.text();
      clock.advance(1000);
      const again = await post('replay', 'k-1', { due_date: body.due_date, description: 'two', title: body.title });
      assert.equal(again.status, 201);
      assert.equal(await again.text(), firstBody);
      assert.equal(again.headers.get('Location'), first.headers.get('Location'));
      assert.equal(again.headers.get('ETag'), first.headers.get('ETag'));
      assert.equal(again.headers.get('Idempotency-Replayed'), 'true');
      assert.equal(await count('replay'), 1);
    });

    it('replays a toggle: the task flips once, and the replay shows the state the first toggle left', async () => {
      const { data } = (await (await post('flip', undefined, { title: 'flip' })).json()) as { data: { id: number } };
      const path = `/api/tasks/${data.id}/complete`;
      const first = await api.request(path, { method: 'PATCH', as: 'flip', headers: { 'Idempotency-Key': 't-1' } });
      assert.equal(first.status, 200);
      const firstBody = await first.text();
      await api.request(`/api/tasks/${data.id}`, { method: 'PATCH', as: 'flip', json: { title: 'renamed since' } });
      const again = await api.request(path, { method: 'PATCH', as: 'flip', headers: { 'Idempotency-Key': 't-1', 'If-Match': first.headers.get('ETag')! } });
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('Idempotency-Replayed'), 'true');
      assert.equal(await again.text(), firstBody);
      const read = (await (await api.request(`/api/tasks/${data.id}`, { as: 'flip' })).json()) as { data: { completed: boolean } };
      assert.equal(read.data.completed, true);
    });

    it('creates exactly one task for 20 concurrent requests with one key; the others get the replay or 409', async () => {
      const responses = await Promise.all(Array.from({ length: 20 }, () => post('burst', 'same', { title: 'once' })));
      const statuses = responses.map((r) => r.status);
      assert.ok(statuses.every((s) => s === 201 || s === 409), statuses.join());
      for (const r of responses.filter((r) => r.status === 409)) assert.match(r.headers.get('Retry-After') ?? '', /^\d+$/);
      const locations = new Set(responses.filter((r) => r.status === 201).map((r) => r.headers.get('Location')));
      assert.equal(locations.size, 1);
      assert.equal(responses.filter((r) => r.status === 201 && r.headers.get('Idempotency-Replayed') === null).length, 1);
      assert.equal(await count('burst'), 1);
    });

    it('answers 422 IDEMPOTENCY_KEY_REUSED to another request under the same key, and creates nothing', async () => {
      const { data } = (await (await post('reuse', 'k', { title: 'first' })).json()) as { data: { id: number } };
      for (const response of [
        await post('reuse', 'k', { title: 'second' }),
        await post('reuse', 'k', { title: 'first', completed: false }),
        await api.request(`/api/tasks/${data.id}/complete`, { method: 'PATCH', as: 'reuse', headers: { 'Idempotency-Key': 'k' } }),
      ]) {
        assert.equal(response.status, 422);
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'IDEMPOTENCY_KEY_REUSED');
      }
      assert.equal(await count('reuse'), 1);
      const read = (await (await api.request(`/api/tasks/${data.id}`, { as: 'reuse' })).json()) as { data: { completed: boolean } };
      assert.equal(read.data.completed, false);
    });

    it("keeps keys per user: another user's identical key runs on its own", async () => {
      assert.equal((await post('user-a', 'shared', { title: 'a' })).status, 201);
      const b = await post('user-b', 'shared', { title: 'a' });
      assert.equal(b.status, 201);
      assert.equal(b.headers.get('Idempotency-Replayed'), null);
      assert.equal(await count('user-b'), 1);
    });

    it('runs the request again once the kept response has expired', async () => {
      const first = await post('ttl', 'k', { title: 'again' });
      clock.advance(TTL_S * 1000 - 1);
      assert.equal((await post('ttl', 'k', { title: 'again' })).headers.get('Idempotency-Replayed'), 'true');
      clock.advance(1);
      const later = await post('ttl', 'k', { title: 'again' });
      assert.equal(later.status, 201);
      assert.equal(later.headers.get('Idempotency-Replayed'), null);
      assert.notEqual(later.headers.get('Location'), first.headers.get('Location'));
      assert.equal(await count('ttl'), 2);
    });

    it('keeps no failure: a 422 or 404 under a key is not replayed, its retry runs', async () => {
      assert.equal((await post('fail', 'k', { title: '' })).status, 422);
      const retried = await post('fail', 'k', { title: 'valid now' });
      assert.equal(retried.status, 201);
      assert.equal(retried.headers.get('Idempotency-Replayed'), null);
      const missing = await api.request('/api/tasks/999999/complete', { method: 'PATCH', as: 'fail', headers: { 'Idempotency-Key': 'toggle' } });
      assert.equal(missing.status, 404);
      const { data } = (await retried.json()) as { data: { id: number } };
      const stale = await api.request(`/api/tasks/${data.id}/complete`, { method: 'PATCH', as: 'fail', headers: { 'Idempotency-Key': 'toggle2', 'If-Match': '"0.0"' } });
      assert.equal(stale.status, 412);
      const fresh = await api.request(`/api/tasks/${data.id}/complete`, { method: 'PATCH', as: 'fail', headers: { 'Idempotency-Key': 'toggle2' } });
      assert.equal(fresh.status, 200);
      assert.equal(fresh.headers.get('Idempotency-Replayed'), null);
    });

    it('refuses a malformed key with 422 on the two keyed routes, and ignores keys elsewhere', async () => {
      for (const key of ['', 'x'.repeat(256), 'caf\u00e9', 'tab\there']) {
        const response = await post('keys', key, { title: 'x' });
        assert.equal(response.status, 422, JSON.stringify(key));
        const { error } = (await response.json()) as { error: { code: string; details: { field: string }[] } };
        assert.equal(error.code, 'VALIDATION_ERROR');
        assert.equal(error.details[0]?.field, 'Idempotency-Key');
      }
      assert.equal((await post('keys', 'x'.repeat(255), { title: 'x' })).status, 201);
      assert.equal((await post('keys', ' !~', { title: 'x' })).status, 201);
      const { data } = (await (await post('keys', undefined, { title: 'x' })).json()) as { data: { id: number } };
      const path = `/api/tasks/${data.id}`;
      for (const [method, json] of [['GET'], ['PUT', { title: 'y' }], ['PATCH', { title: 'z' }], ['DELETE']] as const) {
        const response = await api.request(path, { method, as: 'keys', headers: { 'Idempotency-Key': 'caf\u00e9' }, ...(json !== undefined && { json }) });
        assert.ok(response.status < 300, `${method}: ${response.status}`);
      }
    });
  });
}

describe('what a create costs the database', () => {
  it('is one repository call with a key or without: no extra round trip for a create without a key, none for a replay', async () => {
    const counted = countingStore(inMemoryStore());
    const api = await startTestApp({ store: counted.store });
    try {
      const post = (headers: Record<string, string>) => api.request('/api/tasks', { method: 'POST', as: 'cost', json: { title: 't' }, headers });
      await post({});
      counted.calls.length = 0;
      assert.equal((await post({})).status, 201);
      assert.deepEqual(counted.calls, ['tasks.create']);
      counted.calls.length = 0;
      await post({ 'Idempotency-Key': 'k' });
      await post({ 'Idempotency-Key': 'k' });
      assert.deepEqual(counted.calls, ['tasks.createOnce', 'tasks.createOnce']);
    } finally {
      await api.close();
    }
  });
});
