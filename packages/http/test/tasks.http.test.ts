import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../testing/index.js';

describe('tasks over HTTP', () => {
  let api: TestApp;
  before(async () => {
    api = await startTestApp();
  });
  after(() => api.close());

  const create = async (as: string, json: unknown) => {
    const response = await api.request('/api/tasks', { method: 'POST', as, json });
    assert.equal(response.status, 201);
    return ((await response.json()) as { data: Record<string, unknown> }).data;
  };

  it('creates a task: 201, Location, the task in its wire form', async () => {
    const response = await api.request('/api/tasks', { method: 'POST', as: 'alice', json: { title: '  Buy milk  ', due_date: '2026-12-01' } });
    assert.equal(response.status, 201);
    const { data } = (await response.json()) as { data: Record<string, unknown> };
    assert.equal(response.headers.get('Location'), `/api/tasks/${data['id']}`);
    assert.equal(typeof data['id'], 'number');
    assert.deepEqual(Object.keys(data).sort(), ['completed', 'created_at', 'description', 'due_date', 'id', 'title', 'updated_at', 'user_id']);
    assert.equal(data['title'], 'Buy milk');
    assert.equal(data['user_id'], 'alice');
    assert.equal(data['description'], null);
    assert.equal(data['completed'], false);
    assert.equal(data['due_date'], '2026-12-01T00:00:00.000Z');
    assert.match(String(data['created_at']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(data['created_at'], data['updated_at']);
  });

  it('gets, lists, updates (PUT and PATCH), toggles and deletes', async () => {
    const task = await create('bea', { title: 'Walk dog', description: 'twice' });
    const path = `/api/tasks/${task['id']}`;

    const got = await api.request(path, { as: 'bea' });
    assert.equal(got.status, 200);
    assert.deepEqual(((await got.json()) as { data: unknown }).data, task);

    const listed = await api.request('/api/tasks', { as: 'bea' });
    assert.equal(listed.status, 200);
    const list = (await listed.json()) as { data: { id: number }[]; meta: { count: number; next_cursor: null } };
    assert.deepEqual(list.data.map((t) => t.id), [task['id']]);
    assert.deepEqual(list.meta, { count: 1, next_cursor: null });

    for (const method of ['PUT', 'PATCH']) {
      const updated = await api.request(path, { method, as: 'bea', json: { title: `via ${method}` } });
      assert.equal(updated.status, 200);
      const { data } = (await updated.json()) as { data: Record<string, unknown> };
      assert.equal(data['title'], `via ${method}`);
      assert.equal(data['description'], 'twice');
    }

    const toggled = await api.request(`${path}/complete`, { method: 'PATCH', as: 'bea' });
    assert.equal(toggled.status, 200);
    assert.equal(((await toggled.json()) as { data: { completed: boolean } }).data.completed, true);

    const deleted = await api.request(path, { method: 'DELETE', as: 'bea' });
    assert.equal(deleted.status, 204);
    assert.equal(await deleted.text(), '');
    assert.equal((await api.request(path, { as: 'bea' })).status, 404);
  });

  describe('two users never see each other’s tasks, on any verb', () => {
    it('answers 404 to the other user everywhere, and changes nothing', async () => {
      const task = await create('owner', { title: 'private' });
      const path = `/api/tasks/${task['id']}`;
      const attempts: [string, string, unknown?][] = [
        ['GET', path],
        ['PUT', path, { title: 'hijacked' }],
        ['PATCH', path, { completed: true }],
        ['PATCH', `${path}/complete`],
        ['DELETE', path],
      ];
      for (const [method, target, json] of attempts) {
        const response = await api.request(target, { method, as: 'intruder', ...(json !== undefined && { json }) });
        assert.equal(response.status, 404, `${method} ${target}`);
        assert.deepEqual(await response.json(), { error: { code: 'NOT_FOUND', message: 'Task not found' } });
      }
      const listed = (await (await api.request('/api/tasks', { as: 'intruder' })).json()) as { data: unknown[] };
      assert.deepEqual(listed.data, []);
      const mine = await api.request(path, { as: 'owner' });
      assert.deepEqual(((await mine.json()) as { data: unknown }).data, task);
    });

    it('ignores a user_id in the body', async () => {
      const task = await create('honest', { title: 'mine', user_id: 'someone-else', id: 999 });
      assert.equal(task['user_id'], 'honest');
      assert.notEqual(task['id'], 999);
    });
  });

  describe('401 on every endpoint without a valid token', () => {
    const endpoints: [string, string][] = [
      ['GET', '/api/tasks'], ['POST', '/api/tasks'], ['GET', '/api/tasks/1'], ['PUT', '/api/tasks/1'],
      ['PATCH', '/api/tasks/1'], ['DELETE', '/api/tasks/1'], ['PATCH', '/api/tasks/1/complete'],
    ];
    for (const [method, path] of endpoints) {
      it(`${method} ${path}`, async () => {
        const missing = await api.request(path, { method });
        assert.equal(missing.status, 401);
        assert.equal(missing.headers.get('WWW-Authenticate'), 'Bearer');
        assert.deepEqual(await missing.json(), { error: { code: 'UNAUTHENTICATED', message: 'Missing bearer token' } });
        const invalid = await api.request(path, { method, headers: { Authorization: 'Bearer not-a-token' } });
        assert.equal(invalid.status, 401);
        assert.equal(invalid.headers.get('WWW-Authenticate'), 'Bearer error="invalid_token"');
        assert.deepEqual(await invalid.json(), { error: { code: 'UNAUTHENTICATED', message: 'Invalid token' } });
      });
    }
  });

  describe('404 for absent tasks and 422 for bad ids on every task endpoint', () => {
    const endpoints: [string, string, unknown?][] = [
      ['GET', ''], ['PUT', '', { title: 'x' }], ['PATCH', '', { title: 'x' }], ['DELETE', ''], ['PATCH', '/complete'],
    ];
    for (const [method, suffix, json] of endpoints) {
      it(`${method} /api/tasks/{id}${suffix}`, async () => {
        const init = { method, as: 'alice', ...(json !== undefined && { json }) };
        const absent = await api.request(`/api/tasks/424242${suffix}`, init);
        assert.equal(absent.status, 404);
        for (const id of ['0', '-1', '01', 'abc', '1.5', '9007199254740992']) {
          const bad = await api.request(`/api/tasks/${id}${suffix}`, init);
          assert.equal(bad.status, 422, `id ${id}`);
          const body = (await bad.json()) as { error: { code: string; details: { field: string }[] } };
          assert.equal(body.error.code, 'VALIDATION_ERROR');
          assert.equal(body.error.details[0]?.field, 'id');
        }
      });
    }
  });

  it('422 for invalid bodies on create and update, with field details', async () => {
    const empty = await api.request('/api/tasks', { method: 'POST', as: 'alice', json: { title: '   ' } });
    assert.equal(empty.status, 422);
    assert.deepEqual(await empty.json(), {
      error: { code: 'VALIDATION_ERROR', message: 'Validation failed', details: [{ field: 'title', message: 'Title is required' }] },
    });
    const task = await create('alice', { title: 'ok' });
    const noFields = await api.request(`/api/tasks/${task['id']}`, { method: 'PATCH', as: 'alice', json: { unknown: 1 } });
    assert.equal(noFields.status, 422);
    const nullTitle = await api.request(`/api/tasks/${task['id']}`, { method: 'PUT', as: 'alice', json: { title: null } });
    assert.equal(nullTitle.status, 422);
  });

  it('answers /health without a token or a database', async () => {
    const response = await api.request('/health');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { data: { status: 'ok' } });
  });
});
