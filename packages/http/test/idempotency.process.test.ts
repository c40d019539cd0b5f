import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectPostgres, migrate, mintDevelopmentToken, PostgresTaskRepository, PostgresUserRepository, type Sql } from '@todo/infrastructure';
import { createServerDatabase, serverSkip, serverUrl, type TestDatabase } from '@todo/infrastructure/testing';
import { startServiceProcess, startTestApp, TEST_SECRET, type TestApp } from '../testing/index.js';

async function keyedCreate(url: string, token: string, key: string, title: string): Promise<Response> {
  return fetch(`${url}/api/tasks`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ title }),
  });
}

async function sameAnswer(first: Response, firstBody: string, again: Response): Promise<void> {
  assert.equal(again.status, first.status);
  assert.equal(await again.text(), firstBody);
  for (const header of ['Location', 'ETag']) assert.equal(again.headers.get(header), first.headers.get(header), header);
  assert.equal(again.headers.get('Idempotency-Replayed'), 'true');
}

describe('idempotency keys outlive the process that took them', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conditional-keys-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('replays after a kill -9 and a restart (embedded database)', async () => {
    const env = { BETTER_AUTH_SECRET: TEST_SECRET, DATA_DIR: join(dir, 'data') };
    const token = await mintDevelopmentToken(TEST_SECRET, { userId: 'crash', ttlSeconds: 600 });
    const first = await startServiceProcess(env, dir);
    const created = await keyedCreate(first.url, token, 'before-crash', 'kept');
    assert.equal(created.status, 201);
    const body = await created.text();
    await first.stop('SIGKILL');
    const second = await startServiceProcess(env, dir);
    try {
      await sameAnswer(created, body, await keyedCreate(second.url, token, 'before-crash', 'kept'));
    } finally {
      await second.stop();
    }
  });

  it('replays on another service process sharing the PostgreSQL database', { skip: serverSkip }, async () => {
    const database = await createServerDatabase();
    const env = { BETTER_AUTH_SECRET: TEST_SECRET, DATABASE_URL: database.url };
    const token = await mintDevelopmentToken(TEST_SECRET, { userId: 'fleet', ttlSeconds: 600 });
    const [a, b] = await Promise.all([startServiceProcess(env, dir), startServiceProcess(env, dir)]);
    try {
      const created = await keyedCreate(a.url, token, 'across', 'one of two');
      assert.equal(created.status, 201);
      const body = await created.text();
      await sameAnswer(created, body, await keyedCreate(b.url, token, 'across', 'one of two'));
      const reused = await keyedCreate(b.url, token, 'across', 'another');
      assert.equal(reused.status, 422);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await database.stop();
    }
  });
});

describe('keyed creates while backends are terminated (TEST_DATABASE_URL)', { skip: serverSkip }, () => {
  let database: TestDatabase;
  let admin: Sql;
  let sql: Sql;
  let api: TestApp;
  before(async () => {
    database = await createServerDatabase();
    admin = connectPostgres(serverUrl!, { max: 1, prepare: false });
    sql = connectPostgres(database.url, { max: 10, prepare: true, connectTimeoutSeconds: 2 });
    await migrate(sql);
    const options = { timeoutMs: 3000 };
    api = await startTestApp({ store: { tasks: new PostgresTaskRepository(sql, options), users: new PostgresUserRepository(sql, options) } });
  });
  after(async () => {
    await api?.close();
    await sql?.end({ timeout: 1 });
    await admin?.end();
    await database?.stop();
  });

  it('never leaves a task without the key that replays it, and creates each keyed task exactly once', async () => {
    const dbName = new URL(database.url).pathname.slice(1);
    let kills = 0;
    // Backends are terminated every 100 ms for the first 3 s; then the pool recovers and the retries get through.
    const killUntil = Date.now() + 3000;
    const killer = (async () => {
      while (Date.now() < killUntil) {
        kills += (await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`).length;
        await new Promise((later) => setTimeout(later, 100));
      }
    })();
    const answers = new Map<string, string>();
    const statuses = new Map<number, number>();
    // Each client retries its request under the same key until it is answered 201 (a first run or a replay).
    const client = async (n: number) => {
      for (let i = 0; i < 6; i++) {
        const key = `load-${n}-${i}`;
        while (Date.now() < killUntil + 15_000) {
          const response = await api.request('/api/tasks', { method: 'POST', as: 'loader', json: { title: key }, headers: { 'Idempotency-Key': key } });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          await response.arrayBuffer();
          if (response.status === 201) {
            answers.set(key, response.headers.get('Location')!);
            break;
          }
          await new Promise((later) => setTimeout(later, 50));
        }
      }
    };
    await Promise.all([killer, ...Array.from({ length: 20 }, (_, n) => client(n))]);
    assert.deepEqual([...statuses.keys()].filter((s) => ![201, 409, 503].includes(s)), [], JSON.stringify([...statuses]));
    assert.ok((statuses.get(503) ?? 0) > 0 && kills > 0, `the load met terminated backends (${kills} kills, ${JSON.stringify([...statuses])})`);
    assert.equal(answers.size, 120, 'every request was answered 201 in the end');

    // A fresh connection: an idle one of the pool may have been terminated after its last use.
    const check = connectPostgres(database.url, { max: 1, prepare: false });
    try {
      const tasks = await check<{ id: string; title: string }[]>`select id, title from tasks where user_id = 'loader'`;
      assert.equal(tasks.length, 120, 'each keyed create made exactly one task');
      for (const task of tasks) assert.equal(answers.get(task.title), `/api/tasks/${task.id}`, task.title);
      const [orphans] = await check<{ n: string }[]>`
        select count(*) as n from tasks t where t.user_id = 'loader' and not exists (
          select 1 from idempotency_keys k where k.user_id = t.user_id and (k.result ->> 'id')::bigint = t.id)`;
      assert.equal(Number(orphans!.n), 0, 'no task without its key');
    } finally {
      await check.end();
    }
  });
});
