import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connectPostgres, migrate, PostgresTaskRepository, PostgresUserRepository, type Sql } from '@todo/infrastructure';
import { pgbouncerKind, serverUrl } from '@todo/infrastructure/testing';
import { startTestApp, type TestApp } from '../testing/index.js';

const pgbouncerUrl = process.env['TEST_PGBOUNCER_URL'];
const { skip } = pgbouncerKind;

/** scripts/pgbouncer's `pool_of_one` entry: every client of it shares ONE server connection. */
const UPSTREAM_DATABASE = 'pgbouncer_pool_of_one';

/** Session state a request could leave on a server connection that the next client would inherit. */
async function sessionState(sql: Sql) {
  const [state] = await sql<Record<string, unknown>[]>`
    select
      pg_backend_pid() as pid,
      (select count(*)::int from pg_prepared_statements) as prepared_statements,
      (select count(*)::int from pg_cursors where is_holdable) as open_cursors, -- WITH HOLD ones outlive the transaction
      (select count(*)::int from pg_listening_channels()) as listening_channels,
      (select count(*)::int from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()) as advisory_locks,
      (select count(*)::int from pg_class where relpersistence = 't') as temporary_tables,
      -- Settings changed by a session SET; PgBouncer itself sets these few per client.
      (select coalesce(string_agg(name, ',' order by name), '') from pg_settings
        where source = 'session'
          and name not in ('application_name', 'client_encoding', 'DateStyle', 'TimeZone', 'standard_conforming_strings')) as session_settings`;
  return state!;
}

describe('through PgBouncer (transaction mode) with one server connection for everyone', { skip }, () => {
  let admin: Sql;
  let pooled: Sql;
  let api: TestApp;
  const alice = `alice-${randomBytes(4).toString('hex')}`;
  const bob = `bob-${randomBytes(4).toString('hex')}`;

  before(async () => {
    admin = connectPostgres(serverUrl!, { max: 1, prepare: false });
    await admin`create database ${admin(UPSTREAM_DATABASE)}`.catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // left by an earlier run: the users below are new
    });
    const url = new URL(pgbouncerUrl!);
    url.pathname = '/pool_of_one';
    // Several client connections on our side, one server connection behind PgBouncer.
    pooled = connectPostgres(url.toString(), { max: 4, prepare: false });
    await migrate(pooled);
    api = await startTestApp({ store: { tasks: new PostgresTaskRepository(pooled), users: new PostgresUserRepository(pooled) } });
  });
  after(async () => {
    await api?.close();
    await pooled?.end({ timeout: 5 });
    if (admin === undefined) return;
    await admin`drop database if exists ${admin(UPSTREAM_DATABASE)} with (force)`;
    await admin.end();
  });

  it('really shares one server connection between clients', async () => {
    const pids = await Promise.all([1, 2, 3, 4].map(() => pooled`select pg_backend_pid() as pid, pg_sleep(0.02)`));
    assert.equal(new Set(pids.map(([row]) => row!['pid'])).size, 1);
  });

  it("two users' interleaved requests see only their own tasks and leave no session state behind", async () => {
    const before = await sessionState(pooled);
    const workload = async (me: string, other: string) => {
      const created = [];
      for (let i = 0; i < 5; i++) {
        const response = await api.request('/api/tasks', { method: 'POST', as: me, json: { title: `${me} ${i}`, due_date: '2026-12-01' } });
        assert.equal(response.status, 201);
        created.push(((await response.json()) as { data: { id: number } }).data.id);
      }
      await api.request(`/api/tasks/${created[0]}/complete`, { method: 'PATCH', as: me });
      await api.request(`/api/tasks/${created[1]}`, { method: 'PATCH', as: me, json: { title: `${me} renamed` } });
      await api.request(`/api/tasks/${created[2]}`, { method: 'DELETE', as: me });
      const page = await api.request('/api/tasks?limit=2&sort=title', { as: me });
      const { meta } = (await page.json()) as { meta: { next_cursor: string } };
      await api.request(`/api/tasks?limit=2&sort=title&cursor=${encodeURIComponent(meta.next_cursor)}`, { as: me });
      return { me, other, created };
    };
    const [a, b] = await Promise.all([workload(alice, bob), workload(bob, alice)]);

    for (const { me, other, created } of [a, b]) {
      const listed = (await (await api.request('/api/tasks?limit=100', { as: me })).json()) as { data: { user_id: string; title: string }[] };
      assert.equal(listed.data.length, 4);
      assert.ok(listed.data.every((t) => t.user_id === me && t.title.startsWith(me)));
      // The other user's ids are 404 for me, whatever the shared connection did just before.
      const theirs = (other === alice ? a : b).created[3]!;
      assert.equal((await api.request(`/api/tasks/${theirs}`, { as: me })).status, 404);
      assert.equal((await api.request(`/api/tasks/${created[3]}`, { as: me })).status, 200);
    }

    const afterwards = await sessionState(pooled);
    assert.equal(afterwards['pid'], before['pid'], 'the same server connection served everything');
    assert.deepEqual(afterwards, {
      pid: before['pid'],
      prepared_statements: 0,
      open_cursors: 0,
      listening_channels: 0,
      advisory_locks: 0,
      temporary_tables: 0,
      session_settings: '',
    });
  });
});
