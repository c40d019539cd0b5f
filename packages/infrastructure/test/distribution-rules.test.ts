import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds, openPostgresTestStore, type PostgresTestStore, serverKind } from '../testing/index.js';

/**
 * Tables that are not distributed by user_id, each with the reason. Any other table is per-user: it
 * has a user_id column, and its keys and foreign keys include it (README "Scaling out").
 */
const NOT_PER_USER: Readonly<Record<string, string>> = {
  users: 'the reference table (copied to every node); its id is the user id',
  schema_migrations: 'bookkeeping of the migration runner, on the coordinator only',
  rate_limit_buckets: 'keyed by user or client address; a local table (or distributed by key) of its own',
};

interface UniqueKey {
  table: string;
  name: string;
  columns: string;
}

/** One server kind is enough (the catalog is the same everywhere): the real server when there is one. */
const kind = serverKind.skip === false ? serverKind : databaseKinds[0]!;

describe(`the schema can be distributed by user_id (catalog of ${kind.name})`, () => {
  let db: PostgresTestStore;
  before(async () => {
    db = await openPostgresTestStore(kind);
  });
  after(() => db?.stop());

  const tables = async () =>
    (await db.sql<{ table: string; has_user_id: boolean }[]>`
      select c.relname as table,
             exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'user_id' and not a.attisdropped) as has_user_id
      from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      order by 1`);

  it('every table is per-user (has user_id) or named above with its reason', async () => {
    const unexplained = (await tables()).filter((t) => !t.has_user_id && !(t.table in NOT_PER_USER)).map((t) => t.table);
    assert.deepEqual(unexplained, []);
  });

  it('every primary key, unique constraint and unique index of a per-user table includes user_id', async () => {
    const perUser = (await tables()).filter((t) => t.has_user_id && !(t.table in NOT_PER_USER)).map((t) => t.table);
    assert.ok(perUser.includes('tasks'));
    // Unique indexes cover primary keys and unique constraints too (each has one); expressions show as 0.
    const keys = await db.sql<UniqueKey[]>`
      select t.relname as table, i.relname as name,
             array_to_string(array(select coalesce(a.attname, '(expression)') from unnest(x.indkey) with ordinality k(attnum, n)
                                   left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n), ',') as columns
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_class t on t.oid = x.indrelid
      where x.indisunique and t.relname in ${db.sql(perUser)} and t.relnamespace = 'public'::regnamespace
      order by 1, 2`;
    assert.ok(keys.some((k) => k.table === 'tasks' && k.name === 'tasks_pkey'));
    const breaking = keys.filter((k) => !k.columns.split(',').includes('user_id'));
    assert.deepEqual(breaking, []);
  });

  it('every foreign key between per-user tables includes user_id on both sides', async () => {
    const foreign = await db.sql<{ table: string; name: string; referenced: string; columns: string; referenced_columns: string }[]>`
      select c.conrelid::regclass::text as table, c.conname as name, c.confrelid::regclass::text as referenced,
             array_to_string(array(select attname from pg_attribute where attrelid = c.conrelid and attnum = any (c.conkey)), ',') as columns,
             array_to_string(array(select attname from pg_attribute where attrelid = c.confrelid and attnum = any (c.confkey)), ',') as referenced_columns
      from pg_constraint c
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace`;
    const betweenPerUser = foreign.filter((f) => !(f.table in NOT_PER_USER) && !(f.referenced in NOT_PER_USER));
    const breaking = betweenPerUser.filter((f) => !f.columns.split(',').includes('user_id') || !f.referenced_columns.split(',').includes('user_id'));
    assert.deepEqual(breaking, []);
    // A per-user table may point at the reference table (tasks.user_id → users.id): allowed by Citus.
    assert.ok(foreign.some((f) => f.table === 'tasks' && f.referenced === 'users'));
  });
});
