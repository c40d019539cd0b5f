import type { TaskQuery } from '@todo/application';
import type { SortOrder, TaskSort, UserId } from '@todo/domain';
import type postgres from 'postgres';
import type { Sql } from './connect.js';

type Fragment = postgres.Fragment;

interface KeysetOrder {
  /** The ORDER BY list. */
  readonly by: Fragment;
  /** `and (key, id) > (…)` when the query continues after a position; empty otherwise. */
  readonly after: Fragment;
}

/**
 * The listing order of `compareForListing` (domain) in SQL. Each sort key is written
 * exactly as in its index (migrations/0001_init.sql), and the position test is one row
 * comparison, so a page is an index range scan.
 */
function keysetOrder(sql: Sql, query: TaskQuery, fixed: FixedFragments): KeysetOrder {
  const ascending = query.order === 'asc';
  const by = fixed.by[query.sort][query.order];
  if (query.after === null) return { by, after: fixed.empty };
  const { column, value } = sortKey(sql, query.sort, ascending);
  return { by, after: sql`and (${column}, id) ${ascending ? sql`>` : sql`<`} (${value(query.after.key)}, ${query.after.id})` };
}

function sortKey(sql: Sql, sort: TaskSort, ascending: boolean): { column: Fragment; value: (key: string | null) => Fragment } {
  switch (sort) {
    case 'created':
      return { column: sql`created_at`, value: (key) => sql`${key}::timestamptz` };
    case 'updated':
      return { column: sql`updated_at`, value: (key) => sql`${key}::timestamptz` };
    case 'title':
      return { column: sql`(lower(title) collate "C")`, value: (key) => sql`(lower(${key}::text) collate "C")` };
    case 'due_date':
      return ascending
        ? { column: sql`coalesce(due_date, 'infinity'::timestamptz)`, value: (key) => sql`coalesce(${key}::timestamptz, 'infinity'::timestamptz)` }
        : { column: sql`coalesce(due_date, '-infinity'::timestamptz)`, value: (key) => sql`coalesce(${key}::timestamptz, '-infinity'::timestamptz)` };
  }
}

interface FixedFragments {
  readonly empty: Fragment;
  /** Every ORDER BY list, by sort and order. */
  readonly by: Record<TaskSort, Record<SortOrder, Fragment>>;
}

/**
 * The fragments without parameters, made once per pool: a fragment is only read when a
 * statement is written, and each made per request is a promise with its closures (W1: seven
 * of the eight a first page made).
 */
const fixedBySql = new WeakMap<Sql, FixedFragments>();

function fixedFragments(sql: Sql): FixedFragments {
  let fixed = fixedBySql.get(sql);
  if (fixed === undefined) {
    const by = (sort: TaskSort, ascending: boolean) => {
      const { column } = sortKey(sql, sort, ascending);
      const direction = ascending ? sql`asc` : sql`desc`;
      return sql`${column} ${direction}, id ${direction}`;
    };
    const orders = (sort: TaskSort) => ({ asc: by(sort, true), desc: by(sort, false) });
    fixed = { empty: sql``, by: { created: orders('created'), updated: orders('updated'), title: orders('title'), due_date: orders('due_date') } };
    fixedBySql.set(sql, fixed);
  }
  return fixed;
}

/** The listing statement, as a fragment: run by the repository, explained by the plan tests. */
export function listTasksQuery(sql: Sql, owner: UserId, query: TaskQuery): Fragment {
  const fixed = fixedFragments(sql);
  const order = keysetOrder(sql, query, fixed);
  const { empty } = fixed;
  const status = query.status === 'all' ? empty : sql`and completed = ${query.status === 'completed'}`;
  const limit = query.limit === null ? empty : sql`limit ${query.limit}`;
  return sql`select * from tasks where user_id = ${owner} ${status} ${order.after} order by ${order.by} ${limit}`;
}
