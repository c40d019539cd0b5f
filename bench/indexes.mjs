// npm run bench:indexes: what each index on tasks costs a write, and what the reads it serves
// lose without it. On the seeded benchmark database (run `npm run bench` once first), for every
// index: in a transaction that drops it (and is rolled back, so nothing is rebuilt), the
// PostgreSQL backend's CPU for the service's create and toggle statements, and EXPLAIN ANALYZE
// of the list queries, for a user with 10,000 tasks in the 1,010,000-row table. Variants
// alternate within each round; figures are medians of the rounds.
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { BIG_LIST } from './seed.mjs';

const env = process.env;
const DATABASE_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench';
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const CREATES = Number(env.BENCH_INDEX_CREATES ?? 3000);
const TOGGLES = Number(env.BENCH_INDEX_TOGGLES ?? 2000);
const PAGE = 50;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const log = (line) => process.stderr.write(`[indexes] ${line}\n`);

function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {}, fetch_types: false, connection: { application_name: 'bench-indexes' } });
const [{ versioned }] = await sql`
  select exists (select 1 from information_schema.columns where table_name = 'tasks' and column_name = 'version') as versioned`;
const indexes = await sql`
  select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition, pg_relation_size(i.indexrelid) as bytes,
         c.conname is not null as constraint
  from pg_index i left join pg_constraint c on c.conindid = i.indexrelid
  where i.indrelid = 'tasks'::regclass order by 1`;
const owner = 'w4-7';
const [{ count }] = await sql`select count(*)::int as count from tasks where user_id = ${owner}`;
if (count !== BIG_LIST) throw new Error(`the benchmark database is not seeded (${owner} has ${count} tasks): run npm run bench once`);
const [{ middle }] = await sql`select id as middle from tasks where user_id = ${owner} order by id offset ${BIG_LIST / 2} limit 1`;
const toggled = await sql`select id, user_id from tasks where user_id like 'w3-%' order by id limit ${TOGGLES}`;

/** The list statements of packages/infrastructure/src/postgres/keyset.ts, first page of 50. */
const reads = [
  ['created desc (default)', sql`select * from tasks where user_id = ${owner} order by created_at desc, id desc limit ${PAGE + 1}`],
  ['created desc, pending', sql`select * from tasks where user_id = ${owner} and completed = false order by created_at desc, id desc limit ${PAGE + 1}`],
  ['created desc, completed', sql`select * from tasks where user_id = ${owner} and completed = true order by created_at desc, id desc limit ${PAGE + 1}`],
  ['updated desc', sql`select * from tasks where user_id = ${owner} order by updated_at desc, id desc limit ${PAGE + 1}`],
  ['title asc', sql`select * from tasks where user_id = ${owner} order by (lower(title) collate "C") asc, id asc limit ${PAGE + 1}`],
  ['due_date asc', sql`select * from tasks where user_id = ${owner} order by coalesce(due_date, 'infinity'::timestamptz) asc, id asc limit ${PAGE + 1}`],
  ['due_date desc', sql`select * from tasks where user_id = ${owner} order by coalesce(due_date, '-infinity'::timestamptz) desc, id desc limit ${PAGE + 1}`],
  ['by id (get, update)', sql`select * from tasks where user_id = ${owner} and id = ${middle}`],
  ...(versioned ? [['changes since (50)', sql`select * from tasks where user_id = ${owner} and version > 0 order by version limit ${PAGE}`]] : []),
];

const create = (tx, i) => {
  const user = `w2-${i % 100}`;
  const at = new Date();
  return versioned
    ? tx`
      with seq as (
        insert into users (id, created_at, updated_at, change_seq) values (${user}, ${at}, ${at}, 1)
        on conflict (id) do update set change_seq = users.change_seq + 1
        returning change_seq
      )
      insert into tasks (user_id, title, description, completed, due_date, created_at, updated_at, version)
      values (${user}, ${'Index cost ' + i}, ${'Created by the benchmark'}, false, null, ${at}, ${at}, (select change_seq from seq))
      returning *`
    : tx`
      with owner_row as (insert into users (id, created_at, updated_at) values (${user}, ${at}, ${at}) on conflict (id) do nothing)
      insert into tasks (user_id, title, description, completed, due_date, created_at, updated_at)
      values (${user}, ${'Index cost ' + i}, ${'Created by the benchmark'}, false, null, ${at}, ${at})
      returning *`;
};
const toggle = (tx, { id, user_id: user }) => {
  const at = new Date();
  return versioned
    ? tx`
      with target as (select id from tasks where user_id = ${user} and id = ${id} for update),
      seq as (update users set change_seq = change_seq + 1 where id = ${user} and exists (select 1 from target) returning change_seq)
      update tasks set completed = not completed, updated_at = ${at}, version = (select change_seq from seq)
      where user_id = ${user} and id = (select id from target) returning *`
    : tx`update tasks set completed = not completed, updated_at = ${at} where user_id = ${user} and id = ${id} returning *`;
};

function planSummary(plan) {
  const nodes = [];
  const walk = (n) => {
    nodes.push(n);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(plan.Plan);
  const scan = nodes.find((n) => /Scan/.test(n['Node Type']));
  return {
    ms: plan['Execution Time'],
    buffers: plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks'],
    shape: nodes.map((n) => n['Node Type'] + (n['Index Name'] ? ` ${n['Index Name']}` : '')).join(' > '),
    rowsRead: scan === undefined ? 0 : scan['Actual Rows'] * scan['Actual Loops'] + (scan['Rows Removed by Filter'] ?? 0),
    sorted: nodes.some((n) => /Sort/.test(n['Node Type'])),
  };
}

class Rollback extends Error {}

async function variant(dropped) {
  let out;
  try {
    await sql.begin(async (tx) => {
      for (const index of dropped === null ? [] : dropped.several ?? [dropped]) {
        if (index.constraint) await tx.unsafe(`alter table tasks drop constraint ${index.name} cascade`);
        else await tx.unsafe(`drop index ${index.name}`);
      }
      const [{ pid }] = await tx`select pg_backend_pid() as pid`;
      const c0 = cpuMs(pid);
      for (let i = 0; i < CREATES; i++) await create(tx, i);
      const c1 = cpuMs(pid);
      for (const task of toggled) await toggle(tx, task);
      const c2 = cpuMs(pid);
      const plans = {};
      for (const [name, query] of reads) {
        const [row] = await tx`explain (analyze, buffers, format json) ${query}`;
        plans[name] = planSummary(row['QUERY PLAN'][0]);
      }
      out = { createMs: (c1 - c0) / CREATES, toggleMs: (c2 - c1) / TOGGLES, plans };
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return out;
}

/** The bare server of issue 16 has two indexes on tasks: its key and (user_id, created_at, id). */
const BARE_KEEPS = ['tasks_pkey', 'tasks_user_created'];
const bare = { name: 'bare (key + tasks_user_created only)', several: indexes.filter((i) => !BARE_KEEPS.includes(i.name)) };
const variants = [null, ...indexes, bare];
const runs = new Map(variants.map((v) => [v?.name ?? 'all indexes', []]));
for (let round = 1; round <= ROUNDS; round++) {
  const order = round % 2 ? variants : [...variants].reverse();
  for (const v of order) {
    const r = await variant(v);
    runs.get(v?.name ?? 'all indexes').push(r);
    log(`round ${round} ${v === null ? 'all indexes' : v.several ? v.name : `without ${v.name}`}: create ${r.createMs.toFixed(3)} ms, toggle ${r.toggleMs.toFixed(3)} ms`);
  }
}
await sql`vacuum analyze tasks`; // the rolled-back rows
await sql.end();

const base = runs.get('all indexes');
const baseCreate = median(base.map((r) => r.createMs));
const baseToggle = median(base.map((r) => r.toggleMs));
const lines = [
  `PostgreSQL backend CPU per statement, in one transaction (commit not included), medians of ${ROUNDS} rounds; reads for a user with ${BIG_LIST} tasks:`,
  `all ${indexes.length} indexes: create ${baseCreate.toFixed(3)} ms, toggle ${baseToggle.toFixed(3)} ms`,
  '',
  '| index | size MB | create ms saved without it | toggle ms saved | what reads lose without it (first page of 50) |',
  '|---|---|---|---|---|',
];
for (const index of indexes) {
  const r = runs.get(index.name);
  const lost = [];
  for (const [name] of reads) {
    const before = base[0].plans[name];
    const after = median(r.map((x) => x.plans[name].ms));
    const plan = r[0].plans[name];
    if (plan.shape !== before.shape) {
      lost.push(`${name}: ${median(base.map((x) => x.plans[name].ms)).toFixed(2)} → ${after.toFixed(2)} ms, ${before.buffers} → ${plan.buffers} buffers, ${plan.rowsRead} rows read${plan.sorted ? ', sorted' : ''}`);
    }
  }
  lines.push(`| ${index.name} | ${(Number(index.bytes) / 2 ** 20).toFixed(0)} | ${(baseCreate - median(r.map((x) => x.createMs))).toFixed(3)} | ${(baseToggle - median(r.map((x) => x.toggleMs))).toFixed(3)} | ${lost.join('; ') || 'nothing'} |`);
}
const bareRuns = runs.get(bare.name);
const bareCreate = median(bareRuns.map((r) => r.createMs));
const bareToggle = median(bareRuns.map((r) => r.toggleMs));
lines.push('', `With only ${BARE_KEEPS.join(' and ')} (the bare server's): create ${bareCreate.toFixed(3)} ms, toggle ${bareToggle.toFixed(3)} ms; ` +
  `all ${indexes.length} indexes cost ${(baseCreate / bareCreate).toFixed(2)}× that per create, ${(baseToggle / bareToggle).toFixed(2)}× per toggle.`);
lines.push('', 'Plans with every index:', ...reads.map(([name]) => `  ${name}: ${base[0].plans[name].shape} (${base[0].plans[name].buffers} buffers, ${median(base.map((x) => x.plans[name].ms)).toFixed(2)} ms)`));
console.log(lines.join('\n'));
