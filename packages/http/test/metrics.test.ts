import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@todo/domain';
import { Metrics } from '../src/metrics.js';

/** The value of one series in the Prometheus text, or undefined. */
async function sample(metrics: Metrics, series: string): Promise<number | undefined> {
  const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics (the parts a request workload does not reach)', () => {
  it('counts database failures by kind, from the error or its cause, never its text', async () => {
    const metrics = new Metrics(10);
    const failures: unknown[] = [
      new AppError('UNAVAILABLE', 'Database unavailable', { cause: Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }) }),
      new AppError('UNAVAILABLE', 'Database unavailable', { cause: new Error('no answer within 5000 ms') }),
      new AppError('UNAVAILABLE', 'Database unavailable', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }),
      Object.assign(new Error('duplicate key value violates unique constraint "users_email_key" secret@example.com'), { code: '23505' }),
      new Error('relation "x" does not exist'),
    ];
    const port = metrics.meter({ async run(error: unknown) { throw error; } });
    for (const failure of failures) await assert.rejects(port.run(failure), (e) => e === failure);
    assert.equal(await sample(metrics, 'db_errors_total{kind="timeout"}'), 2);
    assert.equal(await sample(metrics, 'db_errors_total{kind="connection"}'), 1);
    assert.equal(await sample(metrics, 'db_errors_total{kind="constraint"}'), 1);
    assert.equal(await sample(metrics, 'db_errors_total{kind="other"}'), 1);
    assert.doesNotMatch(await metrics.registry.metrics(), /secret@example\.com|users_email_key|ECONNREFUSED/);
  });

  it('shows statements in flight as busy connections, and the excess as waiting', async () => {
    const metrics = new Metrics(2);
    let release!: () => void;
    const gate = new Promise<void>((open) => (release = open));
    const port = metrics.meter({ value: 7, async work() { await gate; return 'done'; } });
    assert.equal(port.value, 7, 'non-function properties pass through');
    const pending = [port.work(), port.work(), port.work()];
    assert.equal(await sample(metrics, 'db_pool_size'), 2);
    assert.equal(await sample(metrics, 'db_pool_busy_connections'), 2);
    assert.equal(await sample(metrics, 'db_pool_waiting_statements'), 1);
    release();
    assert.deepEqual(await Promise.all(pending), ['done', 'done', 'done']);
    assert.equal(await sample(metrics, 'db_pool_busy_connections'), 0);
    assert.equal(await sample(metrics, 'db_pool_waiting_statements'), 0);
  });

  it('counts JWKS fetches by result and stale-key uses', async () => {
    const metrics = new Metrics(1);
    assert.equal(await sample(metrics, 'jwks_fetches_total{result="failed"}'), 0, 'present before any fetch');
    metrics.jwksObserver.fetched(true);
    metrics.jwksObserver.fetched(false);
    metrics.jwksObserver.fetched(false);
    metrics.jwksObserver.staleKeyUsed();
    assert.equal(await sample(metrics, 'jwks_fetches_total{result="ok"}'), 1);
    assert.equal(await sample(metrics, 'jwks_fetches_total{result="failed"}'), 2);
    assert.equal(await sample(metrics, 'jwks_stale_key_uses_total'), 1);
  });
});
