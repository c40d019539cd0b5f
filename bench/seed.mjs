// Benchmark data, written with generate_series. Kept between runs (bench_seed records the
// version); the rows the write workloads add are removed before each of their runs.
import postgres from 'postgres';

export const SEED_VERSION = 3;
export const USERS_PER_WORKLOAD = 100;
export const SMALL_LIST = 50; // W1, W3: tasks per user
export const BIG_LIST = 10_000; // W4: tasks per user, 100 users = 1,000,000 rows
export const SYNC_CHANGES = 50; // W5: changes since the client's sync token

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

/** Which of the later tables and columns the migrated schema has. */
export async function schemaFeatures(sql) {
  const [row] = await sql`
    select exists (select 1 from information_schema.columns where table_name = 'tasks' and column_name = 'version') as versions,
           to_regclass('idempotency_keys') is not null as "idempotencyKeys",
           to_regclass('task_tombstones') is not null as "changesFeed"`;
  return row;
}

/**
 * Seeds once (the schema must exist: the service migrates it at start-up). Returns W3's task ids per user.
 * `bigList`: W4's tasks per user (0 leaves W4 and W5 out, for a database that only runs W1–W3).
 */
export async function seed(sql, log, { bigList = BIG_LIST } = {}) {
  const features = await schemaFeatures(sql);
  // A seed made before the schema had versions is made again.
  const seedVersion = SEED_VERSION * 10 + Number(features.versions);
  await sql`create table if not exists bench_seed (version int primary key, w3_max_id bigint not null)`;
  let [done] = await sql`select w3_max_id from bench_seed where version = ${seedVersion}`;
  if (done === undefined) {
    const started = performance.now();
    const extra = [features.idempotencyKeys && 'idempotency_keys', features.changesFeed && 'task_tombstones'].filter(Boolean);
    await sql`truncate ${sql([...extra, 'tasks', 'users', 'bench_seed'])}`;
    await sql`
      insert into users (id, email, name, created_at, updated_at)
      select p || '-' || g, p || '-' || g || '@bench.example', 'Bench ' || g, now(), now()
      from unnest(array['w1', 'w2', 'w3', 'w4']) p, generate_series(0, ${USERS_PER_WORKLOAD - 1}) g`;
    for (const [prefix, perUser] of [['w1', SMALL_LIST], ['w3', SMALL_LIST], ['w4', bigList]]) {
      // Users interleaved, as rows arrive in real life: one user's tasks are spread over the table;
      // every user has a quarter completed, half with a due date.
      // g is distinct and grows: as each task's version, distinct and growing per user.
      const version = features.versions ? [sql`, version`, sql`, g`] : [sql``, sql``];
      await sql`
        insert into tasks (user_id, title, description, completed, due_date, created_at, updated_at ${version[0]})
        select ${prefix} || '-' || (g % ${USERS_PER_WORKLOAD}), 'Task number ' || g,
               case when g % 3 = 0 then 'Some description of task ' || g end, (g / ${USERS_PER_WORKLOAD}) % 4 = 0,
               case when (g / ${USERS_PER_WORKLOAD}) % 2 = 0 then timestamptz '2026-06-01' + g * interval '1 minute' end,
               timestamptz '2025-01-01' + g * interval '1 second', timestamptz '2025-01-01' + g * interval '1 second' ${version[1]}
        from generate_series(1, ${USERS_PER_WORKLOAD * perUser}) g`;
    }
    // Each owner's counter: the version of their newest task.
    if (features.versions) await sql`update users set change_seq = coalesce((select max(version) from tasks where user_id = users.id), 0)`;
    const [{ max }] = await sql`select max(id) as max from tasks where user_id like 'w3-%'`;
    await sql`vacuum analyze users`;
    await sql`vacuum analyze tasks`;
    await sql`insert into bench_seed (version, w3_max_id) values (${seedVersion}, ${max})`;
    done = { w3_max_id: max };
    log(`seeded ${USERS_PER_WORKLOAD * (2 * SMALL_LIST + bigList)} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const rows = await sql`select user_id, array_agg(id order by id) as ids from tasks where user_id like 'w3-%' and id <= ${done.w3_max_id} group by user_id`;
  // W5: the version each W4 user's 50 newest changes follow.
  const since = features.versions
    ? await sql`
        select users.id as user_id, fiftieth.version, (extract(epoch from users.created_at) * 1000)::bigint as epoch from users, lateral (
          select version from tasks where tasks.user_id = users.id order by version desc offset ${SYNC_CHANGES} limit 1
        ) as fiftieth
        where users.id like 'w4-%'`
    : [];
  return {
    features, w3MaxId: done.w3_max_id, w3Tasks: new Map(rows.map((r) => [r.user_id, r.ids.map(Number)])),
    w5Since: new Map(since.map((r) => [r.user_id, { version: Number(r.version), epoch: Number(r.epoch) }])),
  };
}

/** Puts the write workloads' users back as seeded: W2's users have no tasks, W3's their 50. */
export async function resetWrites(sql, w3MaxId, features) {
  if (features.idempotencyKeys) await sql`delete from idempotency_keys where user_id like 'w2-%' or user_id like 'w3-%'`;
  await sql`delete from tasks where user_id like 'w2-%'`;
  await sql`delete from tasks where user_id like 'w3-%' and id > ${w3MaxId}`;
}
