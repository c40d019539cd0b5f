import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changesSinceQuery } from '../src/postgres/changes-query.js';
import { databaseKinds, openPostgresTestStore, type PostgresTestStore } from '../testing/index.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

const TASKS = 5000;
const TOMBSTONES = 2000;
const PAGE = 50;

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * Reading changes costs in proportion to the changes returned: for a user with thousands of
 * tasks and deletions, next to a neighbour with as many, a page of changes from any position
 * reads at most a page from each (user_id, version) index and never scans a table.
 * PostgreSQL only: production runs 15/16, PGlite is 18 and plans differently.
 */
const server = databaseKinds.find((kind) => kind.name === 'PostgreSQL server')!;
describe(`changes feed query plans: ${server.name}`, { skip: server.skip }, () => {
  let db: PostgresTestStore;
  before(async () => {
    db = await openPostgresTestStore(server);
    const { sql } = db;
    for (const owner of ['big', 'neighbour']) {
      await sql`insert into users (id, created_at, updated_at, change_seq) values (${owner}, now(), now(), ${TASKS + TOMBSTONES})`;
      // Versions interleave tasks (odd) and deletions (even) over the whole history.
      await sql`
        insert into tasks (user_id, title, created_at, updated_at, version)
        select ${owner}, 'Task ' || i, now(), now(), 2 * i - 1 from generate_series(1, ${TASKS}) as i`;
      await sql`
        insert into task_tombstones (user_id, task_id, version, deleted_at)
        select ${owner}, 1000000 + i, 2 * i, now() from generate_series(1, ${TOMBSTONES}) as i`;
    }
    await sql`analyze tasks`;
    await sql`analyze task_tombstones`;
  });
  after(() => db?.stop());

  for (const after of [0, 2000, 3990, 9000, 20000]) {
    it(`reads at most a page from each index after version ${after}`, async () => {
      const [row] = await db.sql`explain (analyze, format json) ${changesSinceQuery(db.sql, 'big', after, PAGE + 1)}`;
      const plan = nodes((row!['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan);
      const types = plan.map((n) => n['Node Type']);
      assert.ok(!types.includes('Seq Scan') && !types.includes('Bitmap Heap Scan'), `a table scan in ${types.join(' > ')}`);
      const scans = plan.filter((n) => n['Node Type'].startsWith('Index') && n['Relation Name'] !== 'users');
      assert.deepEqual(scans.map((n) => n['Index Name']).sort(), ['task_tombstones_user_version', 'tasks_user_version']);
      for (const scan of scans) {
        const read = scan['Actual Rows'] + (scan['Rows Removed by Filter'] ?? 0);
        assert.ok(read <= PAGE + 1, `${scan['Index Name']} read ${read} rows for a page of ${PAGE + 1}`);
      }
    });
  }
});
