import { randomBytes } from 'node:crypto';
import type { Store } from '@todo/application/testing';
import { connectPostgres, type Sql } from '../src/postgres/connect.js';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';
import { migrate } from '../src/postgres/migrate.js';
import { PostgresTaskRepository } from '../src/postgres/postgres-task-repository.js';
import { PostgresUserRepository } from '../src/postgres/postgres-user-repository.js';

/** A database of this test file's own, dropped when it stops. */
export interface TestDatabase {
  readonly url: string;
  /** Connections a pool may open to it: the embedded database has one session only. */
  readonly max: number;
  /** Named server-side prepared statements: not through a transaction-mode pooler (DB_PREPARE=false). */
  readonly prepare: boolean;
  stop(): Promise<void>;
}

export interface DatabaseKind {
  readonly name: string;
  /** Why this kind does not run here, or false. */
  readonly skip: string | false;
  create(): Promise<TestDatabase>;
}

const unset = (value: string | undefined) => value === undefined || value === '';
const configured = process.env['TEST_DATABASE_URL'];
/** The PostgreSQL server tests may use, or undefined. */
export const serverUrl: string | undefined = unset(configured) ? undefined : configured;
/** The one skip reason of every test that needs that server: `{ skip: serverSkip }`. */
export const serverSkip: string | false = serverUrl === undefined ? 'TEST_DATABASE_URL is not set' : false;
/** A PgBouncer in transaction mode in front of that server (scripts/pgbouncer prints it; .ci/run sets it). */
const pgbouncerUrl = process.env['TEST_PGBOUNCER_URL'];

export const serverKind: DatabaseKind = { name: 'PostgreSQL server', skip: serverSkip, create: createServerDatabase };
export const pgbouncerKind: DatabaseKind = {
  name: 'PostgreSQL through PgBouncer',
  skip: serverUrl === undefined || unset(pgbouncerUrl) ? 'TEST_DATABASE_URL and TEST_PGBOUNCER_URL are not both set' : false,
  create: createPgBouncerDatabase,
};
export const databaseKinds: readonly DatabaseKind[] = [{ name: 'embedded PGlite', skip: false, create: createEmbeddedDatabase }, serverKind, pgbouncerKind];

/**
 * `TEST_APP_DATABASE=server|pgbouncer` gives every test app started without a store of its own a
 * fresh database of that kind instead of the in-memory store: .ci/run runs the HTTP suites again so.
 */
export function testAppDatabaseKind(): DatabaseKind | null {
  const chosen = process.env['TEST_APP_DATABASE'];
  if (unset(chosen)) return null;
  const kind = { server: serverKind, pgbouncer: pgbouncerKind }[chosen!];
  if (kind === undefined) throw new Error(`TEST_APP_DATABASE must be server or pgbouncer, not ${chosen}`);
  if (kind.skip !== false) throw new Error(`TEST_APP_DATABASE=${chosen}: ${kind.skip}`);
  return kind;
}

export async function createEmbeddedDatabase(): Promise<TestDatabase> {
  const embedded = await startEmbeddedPostgres(null);
  return { url: embedded.url, max: 1, prepare: true, stop: () => embedded.stop() };
}

/** CREATE DATABASE on the TEST_DATABASE_URL server, so parallel test files never share tables. */
export async function createServerDatabase(): Promise<TestDatabase> {
  if (serverUrl === undefined) throw new Error('TEST_DATABASE_URL is not set');
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = connectPostgres(serverUrl, { max: 1, prepare: false });
  try {
    await admin`create database ${admin(name)}`;
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    max: 10,
    prepare: true,
    async stop() {
      const cleaner = connectPostgres(serverUrl, { max: 1, prepare: false });
      try {
        await cleaner`drop database if exists ${cleaner(name)} with (force)`;
      } finally {
        await cleaner.end();
      }
    },
  };
}

/** A server database reached through the PgBouncer of TEST_PGBOUNCER_URL (its `*` entry maps any name). */
export async function createPgBouncerDatabase(): Promise<TestDatabase> {
  const direct = await createServerDatabase();
  return { url: throughPgBouncer(direct.url), max: 10, prepare: false, stop: () => direct.stop() };
}

/** The same database of the TEST_DATABASE_URL server, reached through the PgBouncer of TEST_PGBOUNCER_URL. */
export function throughPgBouncer(directUrl: string): string {
  if (unset(pgbouncerUrl)) throw new Error('TEST_PGBOUNCER_URL is not set');
  const url = new URL(pgbouncerUrl!);
  url.pathname = new URL(directUrl).pathname;
  return url.toString();
}

/** A migrated database with the Postgres adapters on it, emptied by `reset()`. */
export interface PostgresTestStore {
  readonly sql: Sql;
  readonly store: Store;
  readonly database: TestDatabase;
  reset(): Promise<Store>;
  stop(): Promise<void>;
}

export async function openPostgresTestStore(kind: DatabaseKind): Promise<PostgresTestStore> {
  const database = await kind.create();
  const sql = connectPostgres(database.url, { max: database.max, prepare: database.prepare });
  await migrate(sql);
  const store: Store = { tasks: new PostgresTaskRepository(sql), users: new PostgresUserRepository(sql) };
  return {
    sql,
    store,
    database,
    async reset() {
      await sql`truncate users, tasks restart identity cascade`; // and every per-user table that references users
      return store;
    },
    async stop() {
      await sql.end({ timeout: 5 });
      await database.stop();
    },
  };
}
