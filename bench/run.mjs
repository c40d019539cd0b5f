// npm run bench: the service against a bare reference server, interleaved in one run, on W1–W5
// (and W2K, the service alone); the headline is CPU per request, of the Node process and of the
// PostgreSQL backends serving it. Results: a table on stdout, JSON in bench/results/.
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { measureRun, startServer } from './processes.mjs';
import { ensureDatabase, resetWrites, seed } from './seed.mjs';
import { mintSyncToken, mintTokens, workloads } from './workloads.mjs';

const env = process.env;
const DATABASE_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench';
const DURATION = Number(env.BENCH_DURATION ?? 8);
const WARMUP = Number(env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 100);
const ONLY = env.BENCH_WORKLOADS?.split(',').map((s) => s.trim().toUpperCase());
const CLUSTER = env.BENCH_CLUSTER === '1';
const SERVICE_LOG = env.BENCH_SERVICE_LOG ?? '/dev/null';
/** Node options for the service only, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof, or --max-old-space-size=256. */
const SERVICE_NODE_OPTIONS = env.BENCH_SERVICE_NODE_OPTIONS ?? '';
const serviceArgs = SERVICE_NODE_OPTIONS.split(/\s+/).filter(Boolean);
/** Settings of the service to change, e.g. LOG_LEVEL=warn,RATE_LIMIT_STORE=postgres: what a feature costs. */
const SERVICE_ENV = Object.fromEntries((env.BENCH_SERVICE_ENV ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const SECRET = 'benchmark-secret-that-is-long-enough-0123456789';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = new URL('./results/', import.meta.url);

const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function serviceEnv(workers) {
  return {
    DATABASE_URL, NODE_ENV: 'production', BETTER_AUTH_SECRET: SECRET, LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '1000000000', WEB_CONCURRENCY: String(workers), ...SERVICE_ENV,
  };
}

async function drive(server, workload, seconds) {
  return autocannon({ url: server.url, connections: CONNECTIONS, duration: seconds, requests: workload.requests, timeout: 10 });
}

/** Warm-up (discarded), then the measured run with the RSS of the server's process tree sampled. */
async function measure(server, workload) {
  const { result: r, seen, database, served } = await measureRun(sql, server, (seconds) => drive(server, workload, seconds), WARMUP, DURATION);
  return {
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max,
    errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, total: r.requests.total,
    peakRssMb: seen.peakMb, hwmMb: seen.hwmMb, cpuMsPerRequest: seen.cpuMs / served, pgCpuMsPerRequest: database.cpuMs / served, backends: database.backends,
    cpuShare: Object.fromEntries(['server', 'postgres', 'loadGenerator', 'other'].map((k) => [k, seen.cpuSplit[k] / seen.cpuSplit.wallCpuMs])),
  };
}

function summarise(runs) {
  return {
    rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((s, r) => s + r.errors + r.timeouts, 0), non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)), cpuMsPerRequest: median(runs.map((r) => r.cpuMsPerRequest)),
    pgCpuMsPerRequest: median(runs.map((r) => r.pgCpuMsPerRequest)),
    cpuShare: Object.fromEntries(Object.keys(runs[0].cpuShare).map((k) => [k, median(runs.map((r) => r.cpuShare[k]))])),
    runs: runs.length,
  };
}

const started = performance.now();
await ensureDatabase(DATABASE_URL);
const results = { service: {}, reference: {}, cluster: null };
let service = await startServer('service', `${ROOT}packages/http/dist/src/main.js`, serviceEnv(1), SERVICE_LOG, serviceArgs); // migrates
const sql = postgres(DATABASE_URL, { max: 2, onnotice: () => {}, connection: { application_name: 'bench-harness' } });
const { features, w3MaxId, w3Tasks, w5Since } = await seed(sql, log);
const reference = await startServer('reference', `${ROOT}bench/reference-server.mjs`, { DATABASE_URL, BETTER_AUTH_SECRET: SECRET });
const tokens = Object.fromEntries(await Promise.all(['w1', 'w2', 'w3', 'w4'].map(async (p) => [p, await mintTokens(SECRET, p)])));
const horizon = Date.now();
const syncTokens = features.changesFeed ? new Map([...w5Since].map(([id, position]) => [id, mintSyncToken(SECRET, id, position, horizon)])) : new Map();
const all = workloads(tokens, w3Tasks, { w5Since: syncTokens, idempotencyKeys: features.idempotencyKeys })
  .filter((w) => ONLY === undefined || ONLY.includes(w.name));

for (let round = 1; round <= ROUNDS; round++) {
  for (const workload of all) {
    // Alternate who goes first, so neither always runs on a warmer database.
    const order = workload.serviceOnly ? [service] : round % 2 === 1 ? [service, reference] : [reference, service];
    for (const server of order) {
      if (workload.resetsWrites) await resetWrites(sql, w3MaxId, features);
      const result = await measure(server, workload);
      ((results[server.name][workload.name] ??= [])).push(result);
      log(`round ${round} ${workload.name.padEnd(3)} ${server.name.padEnd(9)} cpu ${result.cpuMsPerRequest.toFixed(3)} + pg ${result.pgCpuMsPerRequest.toFixed(3)} ms/req  ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  errors ${result.errors + result.timeouts}  non-2xx ${result.non2xx}  rss ${result.peakRssMb.toFixed(0)} MB`);
    }
  }
}

const w1 = all.find((w) => w.name === 'W1');
if (CLUSTER && w1 !== undefined) {
  const exit = await service.stop();
  log(`service (1 worker) stopped: ${JSON.stringify(exit)}`);
  service = await startServer('service', `${ROOT}packages/http/dist/src/main.js`, serviceEnv(2), SERVICE_LOG, serviceArgs);
  const runs = [];
  for (let round = 1; round <= ROUNDS; round++) {
    runs.push(await measure(service, w1));
    log(`round ${round} W1 service×2 ${runs.at(-1).rps.toFixed(0).padStart(6)} req/s  p99 ${runs.at(-1).p99} ms  rss ${runs.at(-1).peakRssMb.toFixed(0)} MB (all processes)`);
  }
  results.cluster = { workers2: summarise(runs), runs };
}
const serviceExit = await service.stop();
const referenceExit = await reference.stop();
await sql.end();

// ---- report
const summary = {};
for (const w of all) {
  const s = summarise(results.service[w.name]);
  const r = w.serviceOnly ? null : summarise(results.reference[w.name]);
  summary[w.name] = {
    description: w.description, service: s, reference: r,
    cpuRatio: s.cpuMsPerRequest / r?.cpuMsPerRequest, pgRatio: s.pgCpuMsPerRequest / r?.pgCpuMsPerRequest,
    ratio: s.rps / r?.rps, p99Ratio: s.p99 / r?.p99,
  };
}
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');
const pair = (s, r, d) => `${fmt(s, d)} / ${fmt(r, d)}`;
const rows = [['workload', 'Node CPU ms/req s / r', '×', 'PG CPU ms/req s / r', '×', 'req/s s / r', '×', 'p99 ms s / r', '×', 'peak RSS MB s / r', 'errors, non-2xx s / r']];
for (const [name, x] of Object.entries(summary)) {
  const s = x.service;
  const r = x.reference ?? {};
  rows.push([
    name, pair(s.cpuMsPerRequest, r.cpuMsPerRequest, 3), fmt(x.cpuRatio, 2), pair(s.pgCpuMsPerRequest, r.pgCpuMsPerRequest, 3), fmt(x.pgRatio, 2),
    pair(s.rps, r.rps), fmt(x.ratio, 2), pair(s.p99, r.p99), fmt(x.p99Ratio, 2), pair(s.peakRssMb, r.peakRssMb),
    `${s.errors}, ${s.non2xx} / ${r.errors ?? '–'}, ${r.non2xx ?? '–'}`,
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const table = rows.map((r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`);
table.splice(1, 0, `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);

// The targets of issue 16, each against the reference measured in the same run.
const targets = [];
for (const [name, x] of Object.entries(summary)) {
  if (x.reference === null) continue;
  if (['W1', 'W2', 'W3', 'W4'].includes(name)) targets.push([`${name} Node CPU/request ≤ 1.05× reference`, x.cpuRatio <= 1.05, `${fmt(x.cpuRatio, 2)}×`]);
  targets.push([`${name} p99 ≤ 1.1× reference`, x.p99Ratio <= 1.1, `${fmt(x.p99Ratio, 2)}×`]);
  targets.push([`${name} no errors, no non-2xx`, x.service.errors === 0 && x.service.non2xx === 0, `${x.service.errors} errors, ${x.service.non2xx} non-2xx`]);
}
if (summary.W2?.reference) targets.push(['W2 PostgreSQL CPU/create ≤ 1.15× reference', summary.W2.pgRatio <= 1.15, `${fmt(summary.W2.pgRatio, 2)}×`]);
const total = (x) => x.cpuMsPerRequest + x.pgCpuMsPerRequest;
if (summary.W4 && summary.W5) {
  targets.push(['W5 (50 changes) Node + PG CPU ≤ W4\'s', total(summary.W5.service) <= total(summary.W4.service), `${fmt(total(summary.W5.service), 3)} vs ${fmt(total(summary.W4.service), 3)} ms/req`]);
}
if (summary.W1 && summary.W4) {
  targets.push(['W4 (1M rows) Node + PG CPU within 10% of W1\'s', total(summary.W4.service) <= 1.1 * total(summary.W1.service), `${fmt(total(summary.W4.service), 3)} vs ${fmt(total(summary.W1.service), 3)} ms/req`]);
}
const peakRss = Math.max(...Object.values(summary).map((x) => x.service.peakRssMb));
targets.push(['service peak RSS ≤ 150 MB (1 worker)', peakRss <= 150, `${fmt(peakRss)} MB`]);
const keyed = summary.W2K && summary.W2 ? [
  `W2K, a create with an Idempotency-Key: Node ${fmt(summary.W2K.service.cpuMsPerRequest, 3)} + PG ${fmt(summary.W2K.service.pgCpuMsPerRequest, 3)} ms/req, ` +
    `${fmt(total(summary.W2K.service) / total(summary.W2.service), 2)}× a create without one (W2)`,
] : [];
if (results.cluster && summary.W1) results.cluster.speedup = results.cluster.workers2.rps / summary.W1.service.rps;

// Where the machine's CPU went during W1: the ceiling for one server, and for two workers.
const share = (x) => Object.entries(x.cpuShare).map(([k, v]) => `${k} ${fmt(v * 100)}%`).join(', ');
const cpuLines = summary.W1 === undefined ? [] : [
  `CPU during W1, share of all ${cpus().length} cores (medians; postgres = every PostgreSQL process on the machine): service: ${share(summary.W1.service)}; reference: ${share(summary.W1.reference)}` +
    (results.cluster ? `; service×2: ${share(results.cluster.workers2)}` : ''),
];

const machine = {
  nproc: cpus().length, cpu: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown', node: process.version,
};
const seconds = (performance.now() - started) / 1000;
const out = [
  `${ROUNDS} round(s) × ${DURATION} s (+${WARMUP} s warm-up), ${CONNECTIONS} connections; medians of rounds; ${machine.nproc} × ${machine.cpu}, Node ${machine.node}` +
    (SERVICE_NODE_OPTIONS === '' ? '' : `; service Node options ${SERVICE_NODE_OPTIONS}`) + (env.BENCH_SERVICE_ENV ? `; service env ${env.BENCH_SERVICE_ENV}` : ''),
  ...table,
  ...keyed,
  ...(results.cluster ? [`W1 with WEB_CONCURRENCY=2: ${fmt(results.cluster.workers2.rps)} req/s, p99 ${results.cluster.workers2.p99} ms, peak RSS ${fmt(results.cluster.workers2.peakRssMb)} MB (all processes), ${fmt(results.cluster.speedup, 2)}× one worker`] : []),
  ...cpuLines,
  '',
  ...targets.map(([what, met, detail]) => `${met ? 'MET   ' : 'MISSED'} ${what}: ${detail}`),
  `exit codes: service ${JSON.stringify(serviceExit)}, reference ${JSON.stringify(referenceExit)}; ${fmt(seconds)} s in all`,
];
console.log(out.join('\n'));
mkdirSync(RESULTS, { recursive: true });
const file = new URL(`bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, RESULTS);
writeFileSync(file, JSON.stringify({
  at: new Date().toISOString(), machine, settings: { DURATION, WARMUP, ROUNDS, CONNECTIONS, SERVICE_NODE_OPTIONS, workloads: all.map((w) => w.name) },
  summary, cluster: results.cluster, targets: targets.map(([what, met, detail]) => ({ what, met, detail })), runs: results, serviceExit, referenceExit, seconds,
}, null, 2));
log(`results written to ${fileURLToPath(file)}`);
