import type { TaskQuery } from '@todo/application';
import type { UserId } from '@todo/domain';
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
function keysetOrder(sql: Sql, query: TaskQuery): KeysetOrder {
  const ascending = query.order === 'asc';
  const direction = ascending ? sql`asc` : sql`desc`;
  const beyond = ascending ? sql`>` : sql`<`;
  const { column, value } = sortKey(sql, query, ascending);
  const by = sql`${column} ${direction}, id ${direction}`;
  if (query.after === null) return { by, after: sql`` };
  return { by, after: sql`and (${column}, id) ${beyond} (${value(query.after.key)}, ${query.after.id})` };
}

function sortKey(sql: Sql, query: TaskQuery, ascending: boolean): { column: Fragment; value: (key: string | null) => Fragment } {
  switch (query.sort) {
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

/** The listing statement, as a fragment: run by the repository, explained by the plan tests. */
export function listTasksQuery(sql: Sql, owner: UserId, query: TaskQuery): Fragment {
  const order = keysetOrder(sql, query);
  const status = query.status === 'all' ? sql`` : sql`and completed = ${query.status === 'completed'}`;
  const limit = query.limit === null ? sql`` : sql`limit ${query.limit}`;
  return sql`select * from tasks where user_id = ${owner} ${status} ${order.after} order by ${order.by} ${limit}`;
}
