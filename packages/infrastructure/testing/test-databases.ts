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
  stop(): Promise<void>;
}

export interface DatabaseKind {
  readonly name: string;
  /** Why this kind does not run here, or false. */
  readonly skip: string | false;
  create(): Promise<TestDatabase>;
}

const serverUrl = process.env['TEST_DATABASE_URL'];

export const databaseKinds: readonly DatabaseKind[] = [
  { name: 'embedded PGlite', skip: false, create: createEmbeddedDatabase },
  {
    name: 'PostgreSQL server',
    skip: serverUrl === undefined || serverUrl === '' ? 'TEST_DATABASE_URL is not set' : false,
    create: createServerDatabase,
  },
];

export async function createEmbeddedDatabase(): Promise<TestDatabase> {
  const embedded = await startEmbeddedPostgres(null);
  return { url: embedded.url, max: 1, stop: () => embedded.stop() };
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
  const sql = connectPostgres(database.url, { max: database.max, prepare: true });
  await migrate(sql);
  const store: Store = { tasks: new PostgresTaskRepository(sql), users: new PostgresUserRepository(sql) };
  return {
    sql,
    store,
    database,
    async reset() {
      await sql`truncate idempotency_keys, tasks, users restart identity`;
      return store;
    },
    async stop() {
      await sql.end({ timeout: 5 });
      await database.stop();
    },
  };
}
