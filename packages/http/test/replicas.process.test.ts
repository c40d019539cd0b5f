import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { mintDevelopmentToken } from '@todo/infrastructure';
import { createServerDatabase, pgbouncerKind, serverKind, type TestDatabase, throughPgBouncer } from '@todo/infrastructure/testing';
import { startServiceProcess, type ServiceProcess } from '../testing/service-process.js';
import { TEST_SECRET } from '../testing/test-secret.js';

const server = serverKind;
const pooler = pgbouncerKind;

/** One service process of the fleet, with a `call` that sends a fresh token for `userId`. */
interface Replica {
  readonly name: string;
  call(userId: string, path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

/**
 * Something one replica hands a client that another replica must honour (SPEC §8). `mint` runs on
 * the first replica and returns what the client keeps; `honour` runs on another and checks it.
 * Each kind of token a client keeps (cursor, ETag, sync token, idempotency key) is one entry in HANDOFFS.
 */
interface Handoff<T = unknown> {
  readonly name: string;
  mint(on: Replica, userId: string): Promise<T>;
  honour(on: Replica, userId: string, minted: T): Promise<void>;
}

const createTask = async (on: Replica, userId: string, title: string) => {
  const response = await on.call(userId, '/api/tasks', { method: 'POST', json: { title } });
  assert.equal(response.status, 201);
  return ((await response.json()) as { data: { id: number } }).data.id;
};

/** A paging cursor: the second page, whichever replica serves it. */
const cursor: Handoff<{ cursor: string; expectedIds: number[] }> = {
  name: 'a paging cursor',
  async mint(on, userId) {
    const ids = [await createTask(on, userId, 'one'), await createTask(on, userId, 'two'), await createTask(on, userId, 'three')];
    const first = (await (await on.call(userId, '/api/tasks?limit=2&order=asc')).json()) as { data: { id: number }[]; meta: { next_cursor: string } };
    assert.deepEqual(first.data.map((t) => t.id), ids.slice(0, 2));
    return { cursor: first.meta.next_cursor, expectedIds: ids.slice(2) };
  },
  async honour(on, userId, { cursor, expectedIds }) {
    const response = await on.call(userId, `/api/tasks?limit=2&order=asc&cursor=${encodeURIComponent(cursor)}`);
    assert.equal(response.status, 200);
    const page = (await response.json()) as { data: { id: number }[]; meta: { next_cursor: string | null } };
    assert.deepEqual(page.data.map((t) => t.id), expectedIds);
    assert.equal(page.meta.next_cursor, null);
  },
};

/** A task's ETag: If-None-Match gives 304 and a matching If-Match writes, whichever replica answers. */
const etag: Handoff<{ id: number; etag: string }> = {
  name: 'an ETag',
  async mint(on, userId) {
    const id = await createTask(on, userId, 'tagged');
    const response = await on.call(userId, `/api/tasks/${id}`);
    return { id, etag: response.headers.get('ETag')! };
  },
  async honour(on, userId, { id, etag }) {
    assert.equal((await on.call(userId, `/api/tasks/${id}`, { headers: { 'If-None-Match': etag } })).status, 304);
    const written = await on.call(userId, `/api/tasks/${id}`, { method: 'PATCH', headers: { 'If-Match': etag }, json: { title: 'renamed' } });
    assert.equal(written.status, 200);
    const stale = await on.call(userId, `/api/tasks/${id}`, { method: 'PATCH', headers: { 'If-Match': etag }, json: { title: 'lost' } });
    assert.equal(stale.status, 412);
  },
};

/** A sync token: the next sync on another replica returns exactly what changed since. */
const syncToken: Handoff<{ since: string; id: number }> = {
  name: 'a sync token',
  async mint(on, userId) {
    await createTask(on, userId, 'before');
    const snapshot = (await (await on.call(userId, '/api/tasks/changes')).json()) as { meta: { next_since: string } };
    const id = await createTask(on, userId, 'after');
    return { since: snapshot.meta.next_since, id };
  },
  async honour(on, userId, { since, id }) {
    const response = await on.call(userId, `/api/tasks/changes?since=${encodeURIComponent(since)}`);
    assert.equal(response.status, 200);
    const page = (await response.json()) as { data: { upserted: { id: number }[]; deleted: number[] } };
    assert.deepEqual([page.data.upserted.map((t) => t.id), page.data.deleted], [[id], []]);
  },
};

/** An idempotency key: the retry on another replica replays the first answer and creates nothing. */
const idempotencyKey: Handoff<{ key: string; body: string }> = {
  name: 'an idempotency key',
  async mint(on, userId) {
    const key = `create-${userId}`;
    const response = await on.call(userId, '/api/tasks', { method: 'POST', headers: { 'Idempotency-Key': key }, json: { title: 'once' } });
    assert.equal(response.status, 201);
    return { key, body: await response.text() };
  },
  async honour(on, userId, { key, body }) {
    const retry = await on.call(userId, '/api/tasks', { method: 'POST', headers: { 'Idempotency-Key': key }, json: { title: 'once' } });
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('Idempotency-Replayed'), 'true');
    assert.equal(await retry.text(), body);
    const list = (await (await on.call(userId, '/api/tasks')).json()) as { data: unknown[] };
    assert.equal(list.data.length, 1);
  },
};

const HANDOFFS: Handoff<never>[] = [cursor, etag, syncToken, idempotencyKey] as Handoff<never>[];

describe('replicas on one PostgreSQL behave as one service', { skip: server.skip, timeout: 90_000 }, () => {
  let database: TestDatabase;
  let processes: ServiceProcess[] = [];
  let replicas: Replica[] = [];

  before(async () => {
    database = await createServerDatabase();
    const common = { BETTER_AUTH_SECRET: TEST_SECRET };
    const envs: [string, Record<string, string>][] = [
      ['A (direct)', { ...common, DATABASE_URL: database.url }],
      ['B (direct)', { ...common, DATABASE_URL: database.url }],
    ];
    if (pooler.skip === false) envs.push(['C (through PgBouncer)', { ...common, DATABASE_URL: throughPgBouncer(database.url), DB_PREPARE: 'false' }]);
    processes = await Promise.all(envs.map(([, env]) => startServiceProcess(env, tmpdir())));
    replicas = envs.map(([name], i) => ({
      name,
      async call(userId, path, init = {}) {
        const { json, ...rest } = init;
        const headers = new Headers(rest.headers);
        headers.set('Authorization', `Bearer ${await mintDevelopmentToken(TEST_SECRET, { userId, ttlSeconds: 600 })}`);
        if (json !== undefined) headers.set('Content-Type', 'application/json');
        return fetch(processes[i]!.url + path, { ...rest, headers, ...(json !== undefined && { body: JSON.stringify(json) }) });
      },
    }));
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await database?.stop();
  });

  for (const handoff of HANDOFFS) {
    it(`${handoff.name} minted by one replica is honoured by every other`, async () => {
      for (const [i, minter] of replicas.entries()) {
        for (const honourer of replicas.filter((r) => r !== minter)) {
          const userId = `replicas-${handoff.name.replace(/\W+/g, '-')}-${i}-${honourer.name[0]}`;
          const minted = await handoff.mint(minter, userId);
          await handoff.honour(honourer, userId, minted);
        }
      }
    });
  }

  it('runs the pair it was asked to (one replica through PgBouncer when TEST_PGBOUNCER_URL is set)', () => {
    assert.equal(replicas.length, pooler.skip === false ? 3 : 2);
  });
});
