// npm run bench:embedded: the service on the embedded database (PGlite, no DATABASE_URL), two
// builds compared on W1–W3, interleaved. The headline is the CPU the service's process spends
// per request (utime + stime of all its threads, the database's included, from /proc), and req/s.
//
//   BENCH_EMBEDDED_BUILDS=/path/before,/path/after   checkouts to compare, each built (npx tsc -b);
//                                                    default: this checkout alone
//   BENCH_EMBEDDED_DATA_DIR=/mnt/tmpfs               where the fresh DATA_DIRs go (default: the OS
//                                                    temporary directory); a tmpfs leaves the disk's
//                                                    flush at commit out of the figures
//   BENCH_ROUNDS, BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_WORKLOADS as npm run bench.
//
// Every measurement starts the build's service on its own DATA_DIR (seeded once, as bench/seed.mjs
// does, without W4's million rows), and stops it after: the writes of W2 and W3 are removed before
// each of their runs through the embedded database of this checkout, with no service running.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../packages/infrastructure/dist/src/index.js';
import { sampleProcess, startServer } from './processes.mjs';
import { resetWrites, seed } from './seed.mjs';
import { mintTokens, workloads } from './workloads.mjs';

const env = process.env;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILDS = (env.BENCH_EMBEDDED_BUILDS ?? ROOT).split(',').map((dir) => resolve(dir.trim())).filter(Boolean);
const DURATION = Number(env.BENCH_DURATION ?? 8);
const WARMUP = Number(env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 100);
const ONLY = (env.BENCH_WORKLOADS ?? 'W1,W2,W3').split(',').map((s) => s.trim().toUpperCase());
const SECRET = 'benchmark-secret-that-is-long-enough-0123456789';
const RESULTS = new URL('./results/', import.meta.url);

const log = (line) => process.stderr.write(`[bench:embedded] ${line}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `work(sql)` on a DATA_DIR while no service holds it, through this checkout's embedded database. */
async function withDatabase(dataDir, work) {
  const database = await startEmbeddedPostgres(dataDir);
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
    await database.stop();
  }
}

const serviceEnv = (dataDir) => ({
  DATA_DIR: dataDir, NODE_ENV: 'production', BETTER_AUTH_SECRET: SECRET, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '1000000000',
});
const start = (build) => startServer(build.name, join(build.dir, 'packages/http/dist/src/main.js'), serviceEnv(build.dataDir));

const started = performance.now();
const base = mkdtempSync(join(env.BENCH_EMBEDDED_DATA_DIR ?? tmpdir(), 'tasks-api-bench-'));
const builds = BUILDS.map((dir, i) => ({ name: String.fromCharCode(65 + i), dir, dataDir: join(base, `build-${i}`) }));
log(`load average at start ${load()}; DATA_DIRs under ${base}`);
try {
  const tokens = Object.fromEntries(await Promise.all(['w1', 'w2', 'w3', 'w4'].map(async (p) => [p, await mintTokens(SECRET, p)])));
  for (const build of builds) {
    // The build's own start-up creates and migrates its DATA_DIR; the seed goes in with no service running.
    const exit = await (await start(build)).stop();
    if (exit.code !== 0) throw new Error(`build ${build.name} (${build.dir}) stopped with ${JSON.stringify(exit)} after its first start`);
    build.seeded = await withDatabase(build.dataDir, (sql) => seed(sql, log, { bigList: 0 }));
    build.workloads = new Map(workloads(tokens, build.seeded.w3Tasks).map((w) => [w.name, w]));
  }
  const all = [...builds[0].workloads.values()].filter((w) => ONLY.includes(w.name));

  const runs = Object.fromEntries(builds.map((b) => [b.name, {}]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const workload of all) {
      // Alternate who goes first, so neither always runs first.
      const order = round % 2 === 1 ? builds : [...builds].reverse();
      for (const build of order) {
        const { seeded } = build;
        if (workload.resetsWrites) await withDatabase(build.dataDir, (sql) => resetWrites(sql, seeded.w3MaxId, seeded.features));
        const server = await start(build);
        const { requests } = build.workloads.get(workload.name);
        const drive = (seconds) => autocannon({ url: server.url, connections: CONNECTIONS, duration: seconds, requests, timeout: 10 });
        if (WARMUP > 0) await drive(WARMUP);
        const watch = sampleProcess(server.pid);
        const r = await drive(DURATION);
        const seen = watch.stop();
        const exit = await server.stop();
        const result = {
          cpuMsPerRequest: seen.cpuMs / Math.max(1, r.requests.total), rps: r.requests.average, p99: r.latency.p99,
          total: r.requests.total, errors: r.errors + r.timeouts, non2xx: r.non2xx, peakRssMb: seen.peakMb, exit, load: loadavg()[0],
        };
        (runs[build.name][workload.name] ??= []).push(result);
        log(`round ${round} ${workload.name} ${build.name}: cpu ${result.cpuMsPerRequest.toFixed(3)} ms/req  ${result.rps.toFixed(0).padStart(5)} req/s  p99 ${result.p99} ms  errors ${result.errors}  non-2xx ${result.non2xx}  rss ${result.peakRssMb.toFixed(0)} MB  load ${result.load.toFixed(2)}`);
      }
    }
  }

  // ---- report: medians of rounds, each build against the first
  const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  const summary = {};
  const rows = [['workload', ...builds.flatMap((b) => [`${b.name} CPU ms/req`, `${b.name} req/s`]), ...builds.slice(1).flatMap((b) => [`CPU ${b.name}/A`, `req/s ${b.name}/A`]), 'errors, non-2xx']];
  for (const w of all) {
    const s = Object.fromEntries(builds.map((b) => {
      const rs = runs[b.name][w.name];
      return [b.name, { cpuMsPerRequest: median(rs.map((r) => r.cpuMsPerRequest)), rps: median(rs.map((r) => r.rps)), errors: rs.reduce((n, r) => n + r.errors, 0), non2xx: rs.reduce((n, r) => n + r.non2xx, 0) }];
    }));
    summary[w.name] = { description: w.description, ...s };
    const a = s[builds[0].name];
    rows.push([
      w.name, ...builds.flatMap((b) => [fmt(s[b.name].cpuMsPerRequest, 3), fmt(s[b.name].rps)]),
      ...builds.slice(1).flatMap((b) => [fmt(s[b.name].cpuMsPerRequest / a.cpuMsPerRequest, 2), fmt(s[b.name].rps / a.rps, 2)]),
      builds.map((b) => `${s[b.name].errors}, ${s[b.name].non2xx}`).join(' / '),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map((r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`);
  table.splice(1, 0, `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  const seconds = (performance.now() - started) / 1000;
  console.log([
    `${ROUNDS} round(s) × ${DURATION} s (+${WARMUP} s warm-up), ${CONNECTIONS} connections; medians of rounds; ${cpus().length} CPUs, Node ${process.version}; DATA_DIRs under ${base}`,
    ...builds.map((b) => `${b.name} = ${b.dir}`),
    ...table,
    `load average at the end ${load()}; ${fmt(seconds)} s in all`,
  ].join('\n'));
  mkdirSync(RESULTS, { recursive: true });
  const file = new URL(`embedded-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, RESULTS);
  const described = builds.map(({ name, dir }) => ({ name, dir }));
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), settings: { DURATION, WARMUP, ROUNDS, CONNECTIONS, base }, builds: described, summary, runs, seconds }, null, 2));
  log(`results written to ${fileURLToPath(file)}`);
} finally {
  rmSync(base, { recursive: true, force: true });
}
