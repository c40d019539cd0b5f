import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TaskQuery } from '@todo/application';
import { SORT_ORDERS, TASK_SORTS, TASK_STATUSES } from '@todo/domain';
import { listTasksQuery } from '../src/postgres/keyset.js';
import { openPostgresTestStore, serverKind, type PostgresTestStore } from '../testing/index.js';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

const TASKS_PER_USER = 3000;
const PAGE = 50;

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * Each list query of a user with thousands of tasks, next to another user with as many, reads
 * its page straight from an index in order: no sort step, no sequential scan, no other user's rows.
 * With a status filter, only the default sort (created) has an index that also holds `completed`;
 * the other sorts read the caller's rows of the other status too (and only those), which the
 * last assertion admits explicitly.
 */
// PGlite is PostgreSQL 18 and production runs 15/16: a plan is only worth checking on the server itself.
for (const kind of [serverKind]) {
  describe(`list query plans: ${kind.name}`, { skip: kind.skip }, () => {
    let db: PostgresTestStore;
    let middle: { id: number; created_at: Date; updated_at: Date; title: string; due_date: Date | null };
    before(async () => {
      db = await openPostgresTestStore(kind);
      const { sql } = db;
      await sql`insert into users (id, created_at, updated_at) values ('big', now(), now()), ('neighbour', now(), now())`;
      for (const owner of ['big', 'neighbour']) {
        await sql`
          insert into tasks (user_id, title, completed, due_date, created_at, updated_at, version)
          select ${owner}, 'Task ' || md5(i::text), i % 3 = 0,
                 case when i % 5 = 0 then null else timestamptz '2026-01-01' + i * interval '1 hour' end,
                 timestamptz '2025-01-01' + i * interval '1 minute', timestamptz '2025-06-01' + (i * 7 % ${TASKS_PER_USER}) * interval '1 minute', i
          from generate_series(1, ${TASKS_PER_USER}) as i`;
      }
      await sql`analyze tasks`;
      [middle] = await sql`select id, created_at, updated_at, title, due_date from tasks where user_id = 'big' and id % 1000 = 500 limit 1`;
    });
    after(() => db?.stop());

    for (const sort of TASK_SORTS) {
      for (const order of SORT_ORDERS) {
        for (const status of TASK_STATUSES) {
          for (const paged of [false, true]) {
            it(`${sort} ${order} status=${status}${paged ? ' after a cursor' : ''}`, async () => {
              const key = { created: middle.created_at.toISOString(), updated: middle.updated_at.toISOString(), title: middle.title, due_date: middle.due_date?.toISOString() ?? null }[sort];
              const query: TaskQuery = { status, sort, order, limit: PAGE + 1, after: paged ? { key, id: Number(middle.id) } : null };
              const [row] = await db.sql`explain (analyze, format json) ${listTasksQuery(db.sql, 'big', query)}`;
              const plan = nodes((row!['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan);
              const types = plan.map((n) => n['Node Type']);
              assert.ok(!types.includes('Sort') && !types.includes('Incremental Sort'), `sort step in ${types.join(' > ')}`);
              assert.ok(!types.includes('Seq Scan') && !types.includes('Bitmap Heap Scan'), `not an ordered index scan: ${types.join(' > ')}`);
              const scan = plan.find((n) => n['Node Type'].startsWith('Index'))!;
              assert.match(scan['Index Name'] ?? '', /^tasks_user_/);
              const read = scan['Actual Rows'] + (scan['Rows Removed by Filter'] ?? 0);
              if (status === 'all' || sort === 'created') {
                assert.ok(read <= PAGE + 1, `read ${read} rows for a page of ${PAGE + 1}`);
              } else {
                // Only the other status's rows of this user are skipped: at most the page plus the rows between.
                assert.ok(read <= TASKS_PER_USER, `read ${read} rows`);
              }
            });
          }
        }
      }
    }
  });
}
