import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mintDevelopmentToken } from '@todo/infrastructure';
import { createServerDatabase, serverKind, type TestDatabase } from '@todo/infrastructure/testing';
import { startServiceProcess, type ServiceProcess } from '../testing/service-process.js';
import { TEST_SECRET } from '../testing/test-secret.js';

const server = serverKind;
const token = (userId: string) => mintDevelopmentToken(TEST_SECRET, { userId, ttlSeconds: 600 });

/** Each sample of the Prometheus text: its name, labels and value. */
function parse(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((line) => {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `unparsable sample line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    return { name: match[1]!, labels, value: Number(match[3]) };
  });
}

const value = (samples: ReturnType<typeof parse>, name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

/** The label values a series may carry: closed sets, or a route pattern (no ids, no free text). */
const ALLOWED_LABELS: Record<string, RegExp> = {
  method: /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|OTHER)$/,
  route: /^(\(unmatched\)|(\/(:?[a-z][a-z.-]*|\(.*\))?)+)$/,
  status: /^\d{3}$/,
  by: /^(user|ip)$/,
  kind: /^(connection|timeout|constraint|other|major|minor|incremental|weakcb)$/, // ours, and the GC's
  result: /^(ok|failed)$/,
  le: /^([\d.e+-]+|\+Inf)$/,
  quantile: /^[\d.]+$/,
  // prom-client's default process metrics
  version: /^v\d+\.\d+\.\d+$/, major: /^\d+$/, minor: /^\d+$/, patch: /^\d+$/, type: /^[\w-]+$/, space: /^[\w-]+$/,
};

describe('METRICS_PORT: GET /metrics after a known workload', { timeout: 120_000 }, () => {
  let service: ServiceProcess;
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let metricsUrl: string;
  const secretUser = 'user-7f3a9c-do-not-leak';
  const secretTitle = 'TOPSECRET title 9c1e';

  before(async () => {
    if (server.skip === false) database = await createServerDatabase();
    else dataDir = await mkdtemp(join(tmpdir(), 'tasks-metrics-'));
    service = await startServiceProcess(
      {
        BETTER_AUTH_SECRET: TEST_SECRET, METRICS_PORT: '0', RATE_LIMIT_PER_MINUTE: '12',
        ...(database !== undefined ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir! }),
      },
      tmpdir(),
    );
    const line = service.logs.find((l) => typeof l['metrics_url'] === 'string');
    assert.ok(line, 'a log line gives the metrics URL');
    metricsUrl = String(line['metrics_url']);
  });
  after(async () => {
    await service?.stop();
    await database?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the request, rate-limit, pool, JWKS and process series, with no user data in any label', async () => {
    const bearer = await token(secretUser);
    const auth = { Authorization: `Bearer ${bearer}` };
    const created = await fetch(`${service.url}/api/tasks`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ title: secretTitle }) });
    assert.equal(created.status, 201);
    const { data } = (await created.json()) as { data: { id: number } };
    assert.equal((await fetch(`${service.url}/api/tasks/${data.id}`, { headers: auth })).status, 200);
    assert.equal((await fetch(`${service.url}/api/tasks/${data.id + 1000}`, { headers: auth })).status, 404);
    assert.equal((await fetch(`${service.url}/api/tasks/${data.id}/complete`, { method: 'PATCH', headers: auth })).status, 200);
    assert.equal((await fetch(`${service.url}/api/tasks/${data.id}/leak-${secretUser}`, { headers: auth })).status, 404);
    assert.equal((await fetch(`${service.url}/api/tasks?cursor=${bearer}`, { headers: auth })).status, 422);
    assert.equal((await fetch(`${service.url}/health`)).status, 200);
    // 12 per minute: 6 used above, so some of these are refused (how many depends on the refill meanwhile).
    const burst = await Promise.all(Array.from({ length: 9 }, () => fetch(`${service.url}/api/tasks`, { headers: auth }).then((r) => r.status)));
    const admitted = burst.filter((s) => s === 200).length;
    assert.ok(admitted >= 6 && admitted < 9, burst.join(' '));
    // A refused token: counted per client address.
    assert.equal((await fetch(`${service.url}/api/tasks`, { headers: { Authorization: `Bearer ${bearer}x` } })).status, 401);

    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const samples = parse(text);

    const requests = (labels: Record<string, string>) => value(samples, 'http_requests_total', labels);
    assert.equal(requests({ method: 'POST', route: '/api/tasks', status: '201' }), 1);
    assert.equal(requests({ method: 'GET', route: '/api/tasks/:id', status: '200' }), 1);
    assert.equal(requests({ method: 'GET', route: '/api/tasks/:id', status: '404' }), 1);
    assert.equal(requests({ method: 'PATCH', route: '/api/tasks/:id/complete', status: '200' }), 1);
    assert.equal(requests({ method: 'GET', route: '(unmatched)', status: '404' }), 1);
    assert.equal(requests({ method: 'GET', route: '/api/tasks', status: '422' }), 1);
    assert.equal(requests({ method: 'GET', route: '/api/tasks', status: '200' }), admitted);
    assert.equal(requests({ method: 'GET', route: '/api/tasks', status: '429' }), 9 - admitted, 'answered before the router, labelled with its route');
    assert.equal(requests({ method: 'GET', route: '/api/tasks', status: '401' }), 1);
    assert.equal(requests({ method: 'GET', route: '/health', status: '200' }), 1);
    assert.equal(value(samples, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/tasks', status: '200' }), admitted);
    assert.ok(value(samples, 'http_request_duration_seconds_sum', { method: 'POST', route: '/api/tasks' }) > 0);
    assert.equal(value(samples, 'http_rate_limited_total', { by: 'user' }), 9 - admitted);
    assert.equal(value(samples, 'db_pool_size'), database !== undefined ? 10 : 1);
    assert.equal(value(samples, 'db_pool_busy_connections'), 0);
    for (const name of ['db_errors_total', 'jwks_fetches_total', 'jwks_stale_key_uses_total', 'process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      assert.ok(samples.some((s) => s.name === name), `${name} is served`);
    }

    // Nothing of the user, the token or the task, anywhere; every label from a closed set.
    for (const secret of [secretUser, secretTitle, bearer, bearer.split('.')[1]!, 'TOPSECRET', 'leak-']) assert.ok(!text.includes(secret), `"${secret}" in /metrics`);
    for (const sample of samples) {
      for (const [label, labelValue] of Object.entries(sample.labels)) {
        const allowed = ALLOWED_LABELS[label];
        assert.ok(allowed !== undefined, `unexpected label ${label} on ${sample.name}`);
        assert.match(labelValue, allowed, `${sample.name}{${label}="${labelValue}"}`);
      }
    }
  });

  it('answers 404 off /metrics, and only on its own port', async () => {
    assert.equal((await fetch(metricsUrl.replace('/metrics', '/api/tasks'))).status, 404);
    assert.equal((await fetch(`${service.url}/metrics`)).status, 404);
  });
});

describe('METRICS_PORT with WEB_CONCURRENCY=2: the primary serves the sum of its workers', { skip: server.skip, timeout: 120_000 }, () => {
  it('counts every request, whichever worker took it', async () => {
    const database = await createServerDatabase();
    const primary = await startServiceProcess({ BETTER_AUTH_SECRET: TEST_SECRET, DATABASE_URL: database.url, WEB_CONCURRENCY: '2', METRICS_PORT: '0' }, tmpdir());
    try {
      // The first "listening" line came from one worker: wait for both, and for the primary's listener.
      const deadline = Date.now() + 60_000;
      while (primary.logs.filter((l) => typeof l['url'] === 'string').length < 2 || !primary.logs.some((l) => typeof l['metrics_url'] === 'string')) {
        assert.ok(Date.now() < deadline, 'both workers and the metrics listener start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const metricsLines = primary.logs.filter((l) => typeof l['metrics_url'] === 'string');
      assert.equal(metricsLines.length, 1, 'only the primary listens on METRICS_PORT');
      const auth = { Authorization: `Bearer ${await token('clustered')}` };
      for (let i = 0; i < 20; i++) assert.equal((await fetch(`${primary.url}/api/tasks`, { headers: auth })).status, 200);
      const samples = parse(await (await fetch(String(metricsLines[0]!['metrics_url']))).text());
      assert.equal(value(samples, 'http_requests_total', { method: 'GET', route: '/api/tasks', status: '200' }), 20);
      assert.equal(value(samples, 'db_pool_size'), 20, 'two workers of 10 connections');
    } finally {
      assert.equal(await primary.stop(), 0);
      await database.stop();
    }
  });
});
