// Benchmark data, written with generate_series. Kept between runs (bench_seed records the
// version); the rows the write workloads add are removed before each of their runs.
import postgres from 'postgres';

export const SEED_VERSION = 1;
export const USERS_PER_WORKLOAD = 100;
export const SMALL_LIST = 50; // W1, W3: tasks per user
export const BIG_LIST = 10_000; // W4: tasks per user, 100 users = 1,000,000 rows

export const userIds = (prefix) => Array.from({ length: USERS_PER_WORKLOAD }, (_, i) => `${prefix}-${i}`);

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.href, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    if (exists === undefined) await sql`create database ${sql(name)}`;
  } finally {
    await sql.end();
  }
}

/** Seeds once (the schema must exist: the service migrates it at start-up). Returns W3's task ids per user. */
export async function seed(sql, log) {
  await sql`create table if not exists bench_seed (version int primary key, w3_max_id bigint not null)`;
  let [done] = await sql`select w3_max_id from bench_seed where version = ${SEED_VERSION}`;
  if (done === undefined) {
    const started = performance.now();
    await sql`truncate idempotency_keys, tasks, users, bench_seed`;
    await sql`
      insert into users (id, email, name, created_at, updated_at)
      select p || '-' || g, p || '-' || g || '@bench.example', 'Bench ' || g, now(), now()
      from unnest(array['w1', 'w2', 'w3', 'w4']) p, generate_series(0, ${USERS_PER_WORKLOAD - 1}) g`;
    for (const [prefix, perUser] of [['w1', SMALL_LIST], ['w3', SMALL_LIST], ['w4', BIG_LIST]]) {
      // Users interleaved, as rows arrive in real life: one user's tasks are spread over the table.
      await sql`
        insert into tasks (user_id, title, description, completed, due_date, created_at, updated_at, version)
        select ${prefix} || '-' || (g % ${USERS_PER_WORKLOAD}), 'Task number ' || g,
               case when g % 3 = 0 then 'Some description of task ' || g end, g % 4 = 0,
               case when g % 2 = 0 then timestamptz '2026-06-01' + g * interval '1 minute' end,
               timestamptz '2025-01-01' + g * interval '1 second', timestamptz '2025-01-01' + g * interval '1 second', g
        from generate_series(1, ${USERS_PER_WORKLOAD * perUser}) g`;
    }
    // Each owner's counter after the versions given above (distinct per owner: g is).
    await sql`update users set change_seq = coalesce((select max(version) from tasks where user_id = users.id), 0)`;
    const [{ max }] = await sql`select max(id) as max from tasks where user_id like 'w3-%'`;
    await sql`vacuum analyze users`;
    await sql`vacuum analyze tasks`;
    await sql`insert into bench_seed (version, w3_max_id) values (${SEED_VERSION}, ${max})`;
    done = { w3_max_id: max };
    log(`seeded ${USERS_PER_WORKLOAD * (2 * SMALL_LIST + BIG_LIST)} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const rows = await sql`select user_id, array_agg(id order by id) as ids from tasks where user_id like 'w3-%' and id <= ${done.w3_max_id} group by user_id`;
  return { w3MaxId: done.w3_max_id, w3Tasks: new Map(rows.map((r) => [r.user_id, r.ids.map(Number)])) };
}

/** Puts the write workloads' users back as seeded: W2's users have no tasks, W3's their 50. */
export async function resetWrites(sql, w3MaxId) {
  await sql`delete from tasks where user_id like 'w2-%'`;
  await sql`delete from tasks where user_id like 'w3-%' and id > ${w3MaxId}`;
}
