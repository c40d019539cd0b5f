// A/B (or A/B/C…) of builds of the service, interleaved in one run: what a change saves in CPU
// per request. Each build is a directory holding packages/http/dist/src/main.js (a copy of the
// built packages whose node_modules resolve as the checkout's do). The order rotates between
// rounds; the report gives each build's medians and, per round, its ratio to the first build.
// Usage: BENCH_AB='before=/path/to/old,after=/path/to/new' BENCH_WORKLOADS=W2 node bench/ab.mjs
// (a name without a path is this checkout; BENCH_AB_REFERENCE=1 adds the reference server.)
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { measureRun, startServer } from './processes.mjs';
import { ensureDatabase, resetWrites, seed } from './seed.mjs';
import { mintSyncToken, mintTokens, workloads } from './workloads.mjs';

const env = process.env;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATABASE_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench';
const DURATION = Number(env.BENCH_DURATION ?? 5);
const WARMUP = Number(env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 6);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 100);
/** Requests per second offered in all (autocannon's overallRate); 0: as fast as they are answered. A fixed rate compares builds at the same batching. */
const RATE = Number(env.BENCH_RATE ?? 0);
const ONLY = (env.BENCH_WORKLOADS ?? 'W2').split(',').map((s) => s.trim().toUpperCase());
const SERVICE_ENV = Object.fromEntries((env.BENCH_SERVICE_ENV ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const SECRET = 'benchmark-secret-that-is-long-enough-0123456789';
const BUILDS = (env.BENCH_AB ?? '').split(',').filter(Boolean).map((b) => (b.includes('=') ? b.split('=') : [b, ROOT]));
if (BUILDS.length < (env.BENCH_AB_REFERENCE === '1' ? 1 : 2)) {
  process.stderr.write("BENCH_AB='a=/dir/of/build,b=/dir/of/other' (at least two builds)\n");
  process.exit(64);
}

const log = (line) => process.stderr.write(`[ab] ${line}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

const serviceEnv = {
  DATABASE_URL, NODE_ENV: 'production', BETTER_AUTH_SECRET: SECRET, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '1000000000', WEB_CONCURRENCY: '1', ...SERVICE_ENV,
};
await ensureDatabase(DATABASE_URL);
/** BENCH_AB_PROFILE=DIR: every server under --cpu-prof, its profiles in DIR/<name>/. */
/** BENCH_AB_NODE_OPTIONS='name:--opt --opt;other:--opt': Node options of some builds (the same directory may run under two names). */
const buildOptions = new Map((env.BENCH_AB_NODE_OPTIONS ?? '').split(';').filter(Boolean).map((e) => [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1).split(/\s+/).filter(Boolean)]));
const nodeArgs = (name) => [...(buildOptions.get(name) ?? []), ...(env.BENCH_AB_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_AB_PROFILE}/${name}`] : [])];
const servers = [];
for (const [name, dir] of BUILDS) servers.push(await startServer(name, `${dir}/packages/http/dist/src/main.js`, serviceEnv, '/dev/null', nodeArgs(name)));
const sql = postgres(DATABASE_URL, { max: 2, onnotice: () => {}, connection: { application_name: 'bench-harness' } });
const { features, w3MaxId, w3Tasks, w5Since } = await seed(sql, log);
if (env.BENCH_AB_REFERENCE === '1') servers.push(await startServer('reference', `${ROOT}bench/reference-server.mjs`, { DATABASE_URL, BETTER_AUTH_SECRET: SECRET }, '/dev/null', nodeArgs('reference')));
const tokens = Object.fromEntries(await Promise.all(['w1', 'w2', 'w3', 'w4'].map(async (p) => [p, await mintTokens(SECRET, p)])));
const horizon = Date.now();
const syncTokens = features.changesFeed ? new Map([...w5Since].map(([id, position]) => [id, mintSyncToken(SECRET, id, position, horizon)])) : new Map();
const all = workloads(tokens, w3Tasks, { w5Since: syncTokens, idempotencyKeys: features.idempotencyKeys }).filter((w) => ONLY.includes(w.name));

const drive = (server, workload, seconds) => autocannon({ url: server.url, connections: CONNECTIONS, duration: seconds, requests: workload.requests, timeout: 10, ...(RATE > 0 && { overallRate: RATE }) });
const results = {};
log(`${BUILDS.map(([n, d]) => `${n} = ${d}`).join(', ')}; ${ROUNDS} rounds × ${DURATION} s (+${WARMUP} s warm-up), ${RATE > 0 ? `${RATE} req/s offered` : 'flat out'}; load ${load()}`);
for (let round = 1; round <= ROUNDS; round++) {
  for (const workload of all) {
    const order = servers.map((_, i) => servers[(i + round - 1) % servers.length]);
    for (const server of order) {
      if (workload.resetsWrites) await resetWrites(sql, w3MaxId, features);
      const { result: r, seen, database, served } = await measureRun(sql, server, (seconds) => drive(server, workload, seconds), WARMUP, DURATION);
      const result = { node: seen.cpuMs / served, pg: database.cpuMs / served, rps: r.requests.average, bad: r.errors + r.timeouts + r.non2xx, rss: seen.peakMb, load: loadavg()[0] };
      ((results[workload.name] ??= {})[server.name] ??= []).push(result);
      log(`round ${round} ${workload.name} ${server.name.padEnd(9)} node ${result.node.toFixed(3)} pg ${result.pg.toFixed(3)} ms/req  ${result.rps.toFixed(0)} req/s  peak ${result.rss.toFixed(0)} MB  bad ${result.bad}  load ${load()}`);
    }
  }
}
for (const server of servers) log(`${server.name} exit ${JSON.stringify(await server.stop())}`);
await sql.end();

for (const [name, by] of Object.entries(results)) {
  const first = by[servers[0].name];
  console.log(`${name} (medians of ${ROUNDS} rounds; 1-min load at each of the first build's runs: ${first.map((r) => r.load.toFixed(1)).join(' ')})`);
  for (const s of servers) {
    const runs = by[s.name];
    const ratios = runs.map((r, i) => r.node / first[i].node);
    // The PostgreSQL work of a request is the same for every build (same statements): Node over
    // PostgreSQL CPU, run by run, takes out much of what the machine's other load does to both.
    const perPg = runs.map((r) => r.node / r.pg);
    console.log(`  ${s.name.padEnd(12)} node ${median(runs.map((r) => r.node)).toFixed(3)} pg ${median(runs.map((r) => r.pg)).toFixed(3)} ms/req, node/pg ${median(perPg).toFixed(3)}, peak RSS ${median(runs.map((r) => r.rss)).toFixed(0)} MB` +
      (s === servers[0] ? '' : `  node/${servers[0].name} per round ${ratios.map((r) => r.toFixed(2)).join(' ')}, median ${median(ratios).toFixed(3)}`));
  }
}
