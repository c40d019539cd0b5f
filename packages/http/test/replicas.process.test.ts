import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { mintDevelopmentToken } from '@todo/infrastructure';
import { createServerDatabase, pgbouncerKind, serverKind, type TestDatabase, throughPgBouncer } from '@todo/infrastructure/testing';
import { startServiceProcess, type ServiceProcess, TEST_SECRET } from '../testing/index.js';

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
 * A new one (ETag, sync token, idempotency key) is one more line in HANDOFFS.
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

const HANDOFFS: Handoff<never>[] = [cursor as Handoff<never>];

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
