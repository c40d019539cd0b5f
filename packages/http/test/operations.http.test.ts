import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectPostgres, isReachable } from '@todo/infrastructure';
import { TokenBuckets } from '../src/middleware/token-buckets.js';
import { startTestApp, type TestApp } from '../testing/index.js';

describe('rate limiting', () => {
  let api: TestApp;
  before(async () => {
    api = await startTestApp({ rateLimitPerMinute: 3 });
  });
  after(() => api.close());

  it('answers 429 with Retry-After and RateLimit headers once the bucket is empty; another user is unaffected', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await api.request('/api/tasks', { as: 'greedy' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('ratelimit-limit'), '3');
      remaining.push(response.headers.get('ratelimit-remaining')!);
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const limited = await api.request('/api/tasks', { as: 'greedy' });
    assert.equal(limited.status, 429);
    assert.deepEqual(await limited.json(), { error: { code: 'RATE_LIMITED', message: 'Too many requests' } });
    assert.equal(limited.headers.get('retry-after'), '20');
    assert.equal(limited.headers.get('ratelimit-remaining'), '0');
    assert.match(limited.headers.get('ratelimit-reset') ?? '', /^\d+$/);
    assert.equal((await api.request('/api/tasks', { as: 'patient' })).status, 200);
    assert.ok(api.logs.some((line) => line['status'] === 429 && line['level'] === 40 && line['event'] === 'rate_limited'));
  });

  it('counts requests without a valid token per client IP, and never /health or /ready', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await api.request('/health')).status, 200);
    for (let i = 0; i < 10; i++) assert.equal((await api.request('/ready')).status, 200);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.request('/api/tasks', { headers: { Authorization: 'Bearer forged' } })).status);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });

  it('keeps a bounded number of buckets, whatever the number of keys', () => {
    const buckets = new TokenBuckets(60, 1000);
    for (let i = 0; i < 50_000; i++) buckets.take(`user-${i}`, 0);
    assert.equal(buckets.size, 1000);
  });

  it('refills at the configured rate', () => {
    const buckets = new TokenBuckets(60);
    for (let i = 0; i < 60; i++) assert.equal(buckets.take('k', 0).allowed, true);
    const empty = buckets.take('k', 0);
    assert.equal(empty.allowed, false);
    assert.equal(empty.retryAfterSeconds, 1);
    assert.equal(buckets.take('k', 1000).allowed, true);
    assert.equal(buckets.take('k', 1000).allowed, false);
  });
});

describe('request logs', () => {
  let api: TestApp;
  before(async () => {
    api = await startTestApp();
  });
  after(() => api.close());

  it('writes one line per request with the SPEC fields, and never the token or its claims', async () => {
    const token = await api.token('logged-user', { email: 'secret-mail@example.com' });
    const response = await fetch(`${api.url}/api/tasks/12345`, { headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': 'log-me' } });
    assert.equal(response.status, 404);
    const lines = api.logs.filter((line) => line['request_id'] === 'log-me');
    assert.equal(lines.length, 1);
    const [line] = lines as [Record<string, unknown>];
    assert.deepEqual(
      { method: line['method'], route: line['route'], status: line['status'], user_id: line['user_id'], event: line['event'] },
      { method: 'GET', route: '/api/tasks/:id', status: 404, user_id: 'logged-user', event: 'task_not_found' },
    );
    assert.equal(typeof line['duration_ms'], 'number');
    assert.equal(line['level'], 40);
    const everything = JSON.stringify(api.logs);
    assert.ok(!everything.includes(token) && !everything.includes(token.split('.')[1]!), 'token not logged');
    assert.ok(!everything.includes('secret-mail'), 'claims not logged');
  });

  it('logs a rejected token at warn with its precise reason, which the response does not give', async () => {
    const response = await api.request('/api/tasks', { headers: { Authorization: 'Bearer a.b.c', 'X-Request-Id': 'bad-token' } });
    assert.deepEqual(await response.json(), { error: { code: 'UNAUTHENTICATED', message: 'Invalid token' } });
    const line = api.logs.find((l) => l['request_id'] === 'bad-token')!;
    assert.equal(line['level'], 40);
    assert.equal(line['event'], 'token_rejected');
    assert.match(String(line['reason']), /^invalid: ./);
  });
});

describe('/ready', () => {
  it('is 200 while the database answers and 503 with the envelope and Retry-After when it does not', async () => {
    const dead = connectPostgres('postgres://postgres@127.0.0.1:1/none', { max: 1, prepare: true, connectTimeoutSeconds: 1 });
    const up = await startTestApp();
    const down = await startTestApp({ isReady: () => isReachable(dead, 1000) });
    try {
      assert.deepEqual(await (await up.request('/ready')).json(), { data: { status: 'ready' } });
      const response = await down.request('/ready');
      assert.equal(response.status, 503);
      assert.ok(response.headers.get('retry-after'));
      assert.deepEqual(await response.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: 'Not ready' } });
      assert.equal((await down.request('/health')).status, 200, 'liveness does not depend on the database');
    } finally {
      await up.close();
      await down.close();
      await dead.end();
    }
  });
});
