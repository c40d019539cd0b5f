import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connectPostgres, PostgresTaskRepository, PostgresUserRepository, type Sql } from '@todo/infrastructure';
import { createServerDatabase, serverSkip, serverUrl, type TestDatabase } from '@todo/infrastructure/testing';
import { migrate } from '@todo/infrastructure';
import { startTestApp, type TestApp } from '../testing/index.js';


async function appOn(sql: Sql, timeoutMs = 5000): Promise<TestApp> {
  const options = { timeoutMs };
  return startTestApp({ store: { tasks: new PostgresTaskRepository(sql, options), users: new PostgresUserRepository(sql, options) } });
}

/**
 * Recovery is a promise about time, not about the very next request: a connection killed by
 * the last fault may still answer one request 503 before the pool replaces it.
 */
async function recovered(send: () => Promise<Response>, expected: number): Promise<Response> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await send();
    if (response.status === expected || Date.now() > deadline) return response;
    assert.equal(response.status, 503, 'only 503 while recovering');
    await response.arrayBuffer();
    await new Promise((later) => setTimeout(later, 200));
  }
}

describe('database faults, answered 503 in bounded time', () => {
  const sockets = new Set<Socket>();
  const fakeServer = async (onConnection: (socket: Socket) => void): Promise<{ server: Server; url: string }> => {
    const server = createServer((socket) => {
      sockets.add(socket);
      onConnection(socket);
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    return { server, url: `postgres://postgres@127.0.0.1:${(server.address() as AddressInfo).port}/db` };
  };
  after(() => {
    for (const socket of sockets) socket.destroy();
  });

  const cases: [string, (socket: Socket) => void][] = [
    ['a server that accepts and never answers', () => {}],
    ['a server that accepts and closes at once', (socket) => socket.destroy()],
    ['a server that answers garbage', (socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')],
  ];
  for (const [name, behaviour] of cases) {
    it(name, async () => {
      const { server, url } = await fakeServer(behaviour);
      const sql = connectPostgres(url, { max: 2, prepare: true, connectTimeoutSeconds: 1 });
      const api = await appOn(sql, 1500);
      try {
        const started = performance.now();
        const responses = await Promise.all([1, 2, 3].map(() => api.request('/api/tasks', { as: 'alice' })));
        for (const response of responses) {
          assert.equal(response.status, 503);
          assert.ok(response.headers.get('retry-after'));
        }
        assert.ok(performance.now() - started < 4000, 'answered within the timeouts');
      } finally {
        await api.close();
        void sql.end({ timeout: 0 });
        server.close();
      }
    });
  }
});

describe('PostgreSQL faults under load (TEST_DATABASE_URL)', { skip: serverSkip }, () => {
  let database: TestDatabase;
  let admin: Sql;
  let sql: Sql;
  let api: TestApp;
  let dbName: string;
  before(async () => {
    database = await createServerDatabase();
    dbName = new URL(database.url).pathname.slice(1);
    admin = connectPostgres(serverUrl!, { max: 1, prepare: false });
    sql = connectPostgres(database.url, { max: 10, prepare: true, connectTimeoutSeconds: 2 });
    await migrate(sql);
    api = await appOn(sql, 3000);
  });
  after(async () => {
    await api?.close();
    await admin`alter database ${admin(dbName)} allow_connections true`.catch(() => {});
    await sql?.end({ timeout: 1 });
    await admin?.end();
    await database?.stop();
  });

  const terminateBackends = () => admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;

  it('survives backends terminated under concurrent load: only 201s and 503s, and every 201 is kept', async () => {
    const acknowledged: number[] = [];
    const statuses = new Map<number, number>();
    let stop = false;
    const killer = (async () => {
      while (!stop) {
        await terminateBackends();
        await new Promise((later) => setTimeout(later, 200));
      }
    })();
    const client = async (n: number) => {
      for (let i = 0; i < 25; i++) {
        const response = await api.request('/api/tasks', { method: 'POST', as: 'loader', json: { title: `load ${n}-${i}` } });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 201) acknowledged.push(((await response.json()) as { data: { id: number } }).data.id);
        else await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, n) => client(n)));
    stop = true;
    await killer;
    assert.deepEqual([...statuses.keys()].filter((s) => s !== 201 && s !== 503), [], `statuses ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(201) ?? 0) > 0, 'some writes went through');

    const listed = await recovered(() => api.request('/api/tasks', { as: 'loader' }), 200);
    assert.equal(listed.status, 200, 'recovered without a restart');
    const ids = new Set(((await listed.json()) as { data: { id: number }[] }).data.map((t) => t.id));
    assert.deepEqual(acknowledged.filter((id) => !ids.has(id)), [], 'no acknowledged write lost');
  });

  it('answers 503 while the database refuses connections, and recovers once it accepts them again', async () => {
    await admin`alter database ${admin(dbName)} allow_connections false`;
    await terminateBackends();
    try {
      for (let i = 0; i < 3; i++) {
        const response = await api.request('/api/tasks', { as: 'refused' });
        assert.equal(response.status, 503);
        assert.ok(response.headers.get('retry-after'));
      }
    } finally {
      await admin`alter database ${admin(dbName)} allow_connections true`;
    }
    const created = await recovered(() => api.request('/api/tasks', { method: 'POST', as: 'refused', json: { title: 'back' } }), 201);
    assert.equal(created.status, 201);
  });
});
