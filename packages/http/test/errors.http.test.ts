import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inMemoryStore } from '@todo/application/testing';
import { connectPostgres, PostgresTaskRepository, PostgresUserRepository } from '@todo/infrastructure';
import { ALLOWED_ORIGIN, startTestApp, type TestApp } from '../testing/index.js';

interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}

describe('the error table of SPEC §3', () => {
  let api: TestApp;
  let limited: TestApp;
  before(async () => {
    api = await startTestApp();
    limited = await startTestApp({ rateLimitPerMinute: 2 });
  });
  after(async () => {
    await api.close();
    await limited.close();
  });

  const big = 'x'.repeat(70 * 1024);
  const rows: { name: string; status: number; code: string; send: () => Promise<Response>; headers?: Record<string, RegExp> }[] = [
    { name: 'missing token', status: 401, code: 'UNAUTHENTICATED', send: () => api.request('/api/tasks'), headers: { 'www-authenticate': /^Bearer$/ } },
    { name: 'unknown route', status: 404, code: 'NOT_FOUND', send: () => api.request('/nowhere') },
    { name: 'unknown route under /api', status: 404, code: 'NOT_FOUND', send: () => api.request('/api/nowhere', { as: 'alice' }) },
    { name: 'absent task', status: 404, code: 'NOT_FOUND', send: () => api.request('/api/tasks/77777', { as: 'alice' }) },
    {
      name: 'method not allowed', status: 405, code: 'METHOD_NOT_ALLOWED',
      send: () => api.request('/api/tasks', { method: 'DELETE', as: 'alice' }), headers: { allow: /^(?=.*GET)(?=.*POST)/ },
    },
    {
      name: 'malformed JSON', status: 400, code: 'MALFORMED_JSON',
      send: () => api.request('/api/tasks', { method: 'POST', as: 'alice', headers: { 'Content-Type': 'application/json' }, body: '{"title": "x",' }),
    },
    {
      name: 'non-JSON content type', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE',
      send: () => api.request('/api/tasks', { method: 'POST', as: 'alice', headers: { 'Content-Type': 'text/plain' }, body: '{"title":"x"}' }),
    },
    {
      name: 'form content type', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE',
      send: () => api.request('/api/tasks', { method: 'POST', as: 'alice', body: new URLSearchParams({ title: 'x' }) }),
    },
    {
      name: 'body over 64 KiB', status: 413, code: 'PAYLOAD_TOO_LARGE',
      send: () => api.request('/api/tasks', { method: 'POST', as: 'alice', json: { title: 'x', description: big } }),
    },
    {
      name: 'validation', status: 422, code: 'VALIDATION_ERROR',
      send: () => api.request('/api/tasks', { method: 'POST', as: 'alice', json: { title: 5 } }),
    },
  ];
  for (const row of rows) {
    it(`${row.status} ${row.code}: ${row.name}`, async () => {
      const response = await row.send();
      assert.equal(response.status, row.status);
      assert.match(response.headers.get('content-type') ?? '', /application\/json/);
      const body = (await response.json()) as ErrorBody;
      assert.equal(body.error.code, row.code);
      assert.equal(typeof body.error.message, 'string');
      for (const [header, pattern] of Object.entries(row.headers ?? {})) assert.match(response.headers.get(header) ?? '', pattern, header);
    });
  }

  it('429 RATE_LIMITED with Retry-After of at most 60 seconds', async () => {
    await limited.request('/api/tasks', { as: 'limited-user' });
    await limited.request('/api/tasks', { as: 'limited-user' });
    const response = await limited.request('/api/tasks', { as: 'limited-user' });
    assert.equal(response.status, 429);
    assert.equal(((await response.json()) as ErrorBody).error.code, 'RATE_LIMITED');
    const retryAfter = Number(response.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  });

  it('503 SERVICE_UNAVAILABLE with Retry-After when the database cannot be reached', async () => {
    const sql = connectPostgres('postgres://postgres@127.0.0.1:1/none', { max: 1, prepare: true, connectTimeoutSeconds: 2 });
    const down = await startTestApp({ store: { tasks: new PostgresTaskRepository(sql), users: new PostgresUserRepository(sql) } });
    try {
      const response = await down.request('/api/tasks', { as: 'alice' });
      assert.equal(response.status, 503);
      assert.match(response.headers.get('retry-after') ?? '', /^\d+$/);
      const body = (await response.json()) as ErrorBody;
      assert.deepEqual(body, { error: { code: 'SERVICE_UNAVAILABLE', message: 'Database unavailable' } });
    } finally {
      await down.close();
      await sql.end();
    }
  });

  it('500 INTERNAL_ERROR for a bug, with nothing of the bug in the body, and the cause in the log', async () => {
    const store = inMemoryStore();
    store.tasks.list = async () => {
      throw Object.assign(new Error('relation "tasks" does not exist at SELECT secret_column'), { code: '42P01' });
    };
    const broken = await startTestApp({ store });
    try {
      const response = await broken.request('/api/tasks', { as: 'alice' });
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.deepEqual(JSON.parse(text), { error: { code: 'INTERNAL_ERROR', message: 'Internal error' } });
      assert.doesNotMatch(text, /relation|SELECT|secret|at /);
      const line = broken.logs.find((l) => l['status'] === 500);
      assert.equal(line?.['level'], 50);
      assert.match(JSON.stringify(line?.['err']), /42P01/);
    } finally {
      await broken.close();
    }
  });
});

describe('the order of checks of SPEC §3', () => {
  let api: TestApp;
  let limited: TestApp;
  before(async () => {
    api = await startTestApp();
    limited = await startTestApp({ rateLimitPerMinute: 1 });
  });
  after(async () => {
    await api.close();
    await limited.close();
  });
  const big = `{"title":"${'x'.repeat(70 * 1024)}`;

  const cases: { name: string; expect: number; send: () => Promise<Response> }[] = [
    {
      name: 'a preflight is answered before the token, on any path',
      expect: 204,
      send: () => api.request('/api/anything', { method: 'OPTIONS', headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'DELETE' } }),
    },
    { name: 'the token before the route (unknown /api path)', expect: 401, send: () => api.request('/api/nowhere') },
    { name: 'the token before the method', expect: 401, send: () => api.request('/api/tasks', { method: 'DELETE' }) },
    { name: 'the method before the content type', expect: 405, send: () => api.request('/api/tasks', { method: 'DELETE', as: 'a', headers: { 'Content-Type': 'text/plain' }, body: 'x' }) },
    { name: 'the content type before the size', expect: 415, send: () => api.request('/api/tasks', { method: 'POST', as: 'a', headers: { 'Content-Type': 'text/plain' }, body: big }) },
    { name: 'the size before the syntax', expect: 413, send: () => api.request('/api/tasks', { method: 'POST', as: 'a', headers: { 'Content-Type': 'application/json' }, body: big }) },
    { name: 'the syntax before validation (a bad id too)', expect: 400, send: () => api.request('/api/tasks/abc', { method: 'PUT', as: 'a', headers: { 'Content-Type': 'application/json' }, body: '{' }) },
    { name: 'validation before the work (absent task)', expect: 422, send: () => api.request('/api/tasks/424242', { method: 'PUT', as: 'a', json: { title: '' } }) },
    { name: 'the work last', expect: 404, send: () => api.request('/api/tasks/424242', { method: 'PUT', as: 'a', json: { title: 'fine' } }) },
  ];
  for (const c of cases) {
    it(`${c.expect}: ${c.name}`, async () => {
      const response = await c.send();
      assert.equal(response.status, c.expect);
    });
  }

  it('the rate limit before the route', async () => {
    await limited.request('/api/tasks', { as: 'rl' });
    const response = await limited.request('/api/nowhere', { as: 'rl' });
    assert.equal(response.status, 429);
  });
});

describe('request ids', () => {
  let api: TestApp;
  before(async () => {
    api = await startTestApp();
  });
  after(() => api.close());

  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('echoes a sane caller id, on success and on errors, and logs it', async () => {
    for (const path of ['/health', '/api/tasks', '/nowhere']) {
      const response = await api.request(path, { headers: { 'X-Request-Id': 'Ab.9_:-z' } });
      assert.equal(response.headers.get('x-request-id'), 'Ab.9_:-z', path);
    }
    assert.ok(api.logs.some((line) => line['request_id'] === 'Ab.9_:-z' && line['status'] === 401));
  });

  for (const offered of ['', 'x'.repeat(129), 'has space', 'ünïcode', 'semi;colon', '<script>']) {
    it(`replaces ${JSON.stringify(offered.slice(0, 20))} with a fresh UUID`, async () => {
      const response = await api.request('/health', { headers: { 'X-Request-Id': offered } });
      assert.match(response.headers.get('x-request-id') ?? '', uuid);
    });
  }

  it('accepts exactly 128 characters', async () => {
    const id = 'a'.repeat(128);
    assert.equal((await api.request('/health', { headers: { 'X-Request-Id': id } })).headers.get('x-request-id'), id);
  });
});

describe('CORS', () => {
  let api: TestApp;
  before(async () => {
    api = await startTestApp();
  });
  after(() => api.close());

  it('echoes an allowed origin with credentials, on success and on errors, and exposes X-Request-Id', async () => {
    for (const [path, as] of [['/api/tasks', 'alice'], ['/api/tasks', undefined], ['/nowhere', undefined]] as const) {
      const response = await api.request(path, { headers: { Origin: ALLOWED_ORIGIN }, ...(as !== undefined && { as }) });
      assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN, path);
      assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
      assert.match(response.headers.get('access-control-expose-headers') ?? '', /X-Request-Id/);
    }
  });

  it('answers a preflight with the allowed methods and headers', async () => {
    const response = await api.request('/api/tasks/1', {
      method: 'OPTIONS',
      headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) assert.match(response.headers.get('access-control-allow-methods') ?? '', new RegExp(method));
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /Content-Type/);
  });

  it('gives nothing to an origin outside the allow-list, never *', async () => {
    const simple = await api.request('/api/tasks', { as: 'alice', headers: { Origin: 'https://evil.example' } });
    assert.equal(simple.headers.get('access-control-allow-origin'), null);
    const preflight = await api.request('/api/tasks', { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.equal(preflight.headers.get('access-control-allow-methods'), null);
  });
});
