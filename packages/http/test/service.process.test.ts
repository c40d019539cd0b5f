import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectPostgres } from '@todo/infrastructure';
import { createServerDatabase, serverSkip, type TestDatabase } from '@todo/infrastructure/testing';
import { runCli, runCliInProcess, startServiceProcess, TEST_SECRET } from '../testing/index.js';

const SECRET = { BETTER_AUTH_SECRET: TEST_SECRET };

async function json(response: Response): Promise<{ data: Record<string, unknown>[] & Record<string, unknown> }> {
  return (await response.json()) as { data: Record<string, unknown>[] & Record<string, unknown> };
}

/** Holds the row lock of task `id` from another session for `ms` at most; `release()` ends it sooner. */
async function holdRowLock(url: string, id: number, ms: number): Promise<{ release(): Promise<void> }> {
  const locker = connectPostgres(url, { max: 1, prepare: false });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await new Promise<void>((ready) => {
    void locker.begin(async (tx) => {
      await tx`select id from tasks where id = ${id} for update`;
      ready();
      await Promise.race([released, new Promise((later) => setTimeout(later, ms))]);
    });
  });
  return {
    async release() {
      release();
      await locker.end();
    },
  };
}

describe('the service as a process, on the embedded database', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasks-api-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps tasks across a restart, and the CLI mints tokens, lists and deletes users', async () => {
    const env = { ...SECRET, DATA_DIR: join(dir, 'data') };
    const token = await runCli(['token', 'cli-user', '--email', 'c@example.com', '--ttl', '15m'], env, dir);
    assert.equal(token.code, 0, token.stderr);
    const auth = { Authorization: `Bearer ${token.stdout.trim()}` };

    const first = await startServiceProcess(env, dir);
    const created = await fetch(`${first.url}/api/tasks`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"title":"survives"}' });
    assert.equal(created.status, 201);
    assert.equal(await first.stop(), 0);

    const listed = await runCliInProcess(['tasks', 'cli-user'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(lines.map((t) => [t['title'], t['user_id']]), [['survives', 'cli-user']]);

    const second = await startServiceProcess(env, dir);
    try {
      const again = await json(await fetch(`${second.url}/api/tasks`, { headers: auth }));
      assert.deepEqual(again.data.map((t) => t['title']), ['survives']);
      const busy = await runCliInProcess(['tasks', 'cli-user'], env);
      assert.notEqual(busy.code, 0, 'the CLI refuses the data of a running server');
      assert.match(busy.stderr, /in use by process/);
    } finally {
      assert.equal(await second.stop(), 0);
    }

    const deleted = await runCliInProcess(['delete-user', 'cli-user'], env);
    assert.equal(deleted.code, 0, deleted.stderr);
    for (const command of ['tasks', 'delete-user']) {
      const gone = await runCliInProcess([command, 'cli-user'], env);
      assert.equal(gone.code, 66, `${command} of an unknown user`);
      assert.equal(gone.stdout, '');
      assert.match(gone.stderr, /User not found/);
    }
  });

  it('stops start-up with one line naming a bad variable', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /PORT/],
      [{ DATABASE_URL: 'mysql://nope' }, /DATABASE_URL/],
      [{ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'short' }, /BETTER_AUTH_SECRET/],
    ];
    for (const [env, variable] of cases) {
      const result = await runCliInProcess(['migrate'], { DATA_DIR: join(dir, 'unused'), ...env });
      assert.equal(result.code, 78);
      assert.match(result.stderr, variable);
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
    }
    // The server's side of these: startup-failures.process.test.ts.
  });

  it('answers --help and help <command>, and 69 with one line for every database it cannot use', async () => {
    for (const [args, run] of [[['--help'], runCli], [['-h'], runCliInProcess], [['help'], runCliInProcess]] as const) {
      const result = await run([...args], {}, dir);
      assert.equal(result.code, 0, args.join(' '));
      assert.match(result.stdout, /^Usage: npm run cli -- <command>/);
      assert.match(result.stdout, /69 database unavailable/);
    }
    for (const args of [['help', 'token'], ['token', '--help']]) {
      const result = await runCliInProcess(args, {});
      assert.equal(result.code, 0, args.join(' '));
      assert.match(result.stdout, /^Usage: npm run cli -- token <user-id>/);
    }
    assert.equal((await runCliInProcess(['help', 'bogus'], {})).code, 64);
    const unusable: [Record<string, string>, RegExp][] = [
      [{ DATABASE_URL: 'postgres://u:s3cret@127.0.0.1:1/db' }, /connection refused.*DATABASE_URL/],
      [{ DATABASE_URL: 'postgres://u:s3cret@no-such-host.invalid/db' }, /unknown.*DATABASE_URL/],
      [{ DATA_DIR: join(dir, 'busy-file', 'data') }, /set DATA_DIR/],
    ];
    await writeFile(join(dir, 'busy-file'), '');
    for (const [[env, says], run] of unusable.map((unusable, i) => [unusable, i === 0 ? runCli : runCliInProcess] as const)) {
      const result = await run(['tasks', 'someone'], env, dir);
      assert.equal(result.code, 69, result.stderr);
      assert.match(result.stderr, says);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.ok(!result.stderr.includes('s3cret'));
    }
  });

  it('answers usage errors with a non-zero exit', async () => {
    for (const args of [['bogus'], [], ['token'], ['tasks', 'a', 'b'], ['token', 'u', '--ttl', 'forever'], ['token', 'u', '--ttl', '2d']]) {
      const result = await (args[0] === 'bogus' ? runCli : runCliInProcess)(args, { DATA_DIR: join(dir, 'unused') }, dir);
      assert.equal(result.code, 64, args.join(' '));
      assert.match(result.stderr, /Usage/);
    }
    const longer = await runCliInProcess(['token', 'u', '--ttl', '2d'], { DATA_DIR: join(dir, 'unused'), JWT_MAX_LIFETIME_S: String(3 * 86_400) });
    assert.equal(longer.code, 0, 'a longer --ttl within a raised JWT_MAX_LIFETIME_S');
  });
});

describe('the service as a process, on PostgreSQL', { skip: serverSkip }, () => {
  let database: TestDatabase;
  let dir: string;
  before(async () => {
    database = await createServerDatabase();
    dir = await mkdtemp(join(tmpdir(), 'tasks-api-'));
  });
  after(async () => {
    await database?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates from the CLI, keeps tasks across a restart', async () => {
    const env = { ...SECRET, DATABASE_URL: database.url };
    const migrated = await runCli(['migrate'], env, dir);
    assert.equal(migrated.code, 0, migrated.stderr);
    const shipped = (await readdir(new URL('../../../infrastructure/migrations/', import.meta.url))).filter((f) => f.endsWith('.sql')).sort();
    assert.equal(migrated.stdout, `Applied: ${shipped.join(', ')}\n`, 'says what it applied: every shipped migration');
    assert.equal((await runCliInProcess(['migrate'], env)).stdout, 'Database is up to date.\n');
    const token = (await runCliInProcess(['token', 'pg-user'], env)).stdout.trim();
    const auth = { Authorization: `Bearer ${token}` };
    const first = await startServiceProcess(env, dir);
    assert.equal((await fetch(`${first.url}/api/tasks`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"title":"kept"}' })).status, 201);
    assert.equal(await first.stop(), 0);
    const second = await startServiceProcess(env, dir);
    try {
      assert.deepEqual((await json(await fetch(`${second.url}/api/tasks`, { headers: auth }))).data.map((t) => t['title']), ['kept']);
      assert.equal((await fetch(`${second.url}/ready`)).status, 200);
    } finally {
      await second.stop();
    }
  });

  it('SIGTERM with a request stuck behind a 12 s row lock: gone within SHUTDOWN_TIMEOUT_MS + 1 s, the statement cancelled on the server', async () => {
    const timeoutMs = 1500;
    const env = { ...SECRET, DATABASE_URL: database.url, SHUTDOWN_TIMEOUT_MS: String(timeoutMs) };
    const service = await startServiceProcess(env, dir);
    const auth = { Authorization: `Bearer ${(await runCliInProcess(['token', 'stuck-user'], env)).stdout.trim()}` };
    const created = await json(await fetch(`${service.url}/api/tasks`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"title":"stuck"}' }));
    const id = created.data['id'] as number;

    const watcher = connectPostgres(database.url, { max: 1, prepare: false });
    const lock = await holdRowLock(database.url, id, 12_000);
    try {
      const inFlight = fetch(`${service.url}/api/tasks/${id}/complete`, { method: 'PATCH', headers: auth }).then((r) => r.status, () => 'cut off');
      // Wait until the toggle is really queued behind the lock on the server.
      const waiting = async () => (await watcher`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`)[0]!['n'] as number;
      for (let i = 0; i < 100 && (await waiting()) === 0; i += 1) await new Promise((later) => setTimeout(later, 50));
      assert.equal(await waiting(), 1, 'the toggle waits for the row lock');

      const started = performance.now();
      const code = await service.stop();
      const elapsed = performance.now() - started;
      assert.equal(code, 1, 'requests had to be cut off');
      assert.ok(elapsed <= timeoutMs + 1000, `shutdown took ${Math.round(elapsed)} ms`);
      assert.equal(await inFlight, 'cut off');
      assert.equal(await waiting(), 0, 'the statement is no longer waiting on the server');

      await lock.release();
      await new Promise((later) => setTimeout(later, 300));
      const [row] = await watcher`select completed from tasks where id = ${id}`;
      assert.equal(row?.['completed'], false, 'the cut-off toggle never took effect');
    } finally {
      await lock.release();
      await watcher.end();
    }
  });

  it('on SIGTERM: not ready, requests in flight finish, exit 0; exit 1 when the timeout cuts them off', async () => {
    for (const [timeoutMs, holdMs, expectedExit] of [[5000, 600, 0], [300, 1500, 1]] as const) {
      const env = { ...SECRET, DATABASE_URL: database.url, SHUTDOWN_TIMEOUT_MS: String(timeoutMs) };
      const service = await startServiceProcess(env, dir);
      const token = (await runCliInProcess(['token', 'sig-user'], env)).stdout.trim();
      const auth = { Authorization: `Bearer ${token}` };
      const created = await json(await fetch(`${service.url}/api/tasks`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"title":"locked"}' }));
      const id = created.data['id'] as number;

      // Hold the task's row lock so a toggle stays in flight while SIGTERM arrives.
      const lock = await holdRowLock(database.url, id, holdMs);
      const inFlight = fetch(`${service.url}/api/tasks/${id}/complete`, { method: 'PATCH', headers: auth }).then((r) => r.status, () => 'cut off');
      await new Promise((later) => setTimeout(later, 200));
      const exit = service.stop();
      await new Promise((later) => setTimeout(later, 100));
      await assert.rejects(fetch(`${service.url}/health`), 'no new connections once stopping');
      assert.equal(await exit, expectedExit);
      assert.equal(await inFlight, expectedExit === 0 ? 200 : 'cut off');
      await lock.release();
    }
  });
});
