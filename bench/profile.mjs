// Summarises a V8 .cpuprofile (from BENCH_SERVICE_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=DIR'):
// self time by package (or our own packages/<name>), by the nearest package on the stack (with
// µs per request when the number of requests served is given), and the top functions by self time.
// Usage: node bench/profile.mjs FILE.cpuprofile [top] [requests]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node bench/profile.mjs FILE.cpuprofile [top]\n');
  process.exit(64);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topArg ?? 30);
const requests = Number(process.argv[4] ?? 0);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Idle samples (waiting for I/O, or for the other server's turn) are left out: shares are of busy time.
const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
const selfSamples = new Map();
for (const id of profile.samples) if (!idle.has(id)) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const total = [...selfSamples.values()].reduce((a, b) => a + b, 0);

/** Where a function lives: node_modules/<package>, packages/<ours>, node:<internal>, or (V8). */
function place(url) {
  if (url === '') return '(V8/native)';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  const ours = /packages\/([^/]+)\/dist\/src\/(.*)$/.exec(url);
  if (ours) return `ours: ${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:')) return url.split('/')[0];
  return url;
}

const byPlace = new Map();
const packageOf = (where) => (where.startsWith('ours: ') ? where.split('/')[0] : where);
const byFunction = new Map();
for (const [id, count] of selfSamples) {
  const { callFrame } = byId.get(id);
  const where = place(callFrame.url);
  byPlace.set(packageOf(where), (byPlace.get(packageOf(where)) ?? 0) + count);
  const name = `${callFrame.functionName || '(anonymous)'} ${where}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + count);
}
const msPerSample = (profile.endTime - profile.startTime) / 1e3 / profile.samples.length;
const pct = (n) => `${((n / total) * 100).toFixed(1).padStart(5)}%` + (requests > 0 ? ` ${((n * msPerSample * 1e3) / requests).toFixed(1).padStart(6)} µs/req` : '');
const print = (title, map, limit) => {
  console.log(title);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) console.log(`${pct(v)}  ${k}`);
};
console.log(`${total} busy samples of ${profile.samples.length}, ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
print('\nself time by place:', byPlace, 25);

// Each busy sample charged to the nearest frame on its stack that is a package or one of ours (Node's
// internals and native code to what called them): what each layer costs, the socket writes it makes included.
const byLayer = new Map();
for (const [id, count] of selfSamples) {
  const { callFrame } = byId.get(id);
  let layer = ['(garbage collector)', '(program)'].includes(callFrame.functionName) ? callFrame.functionName : undefined;
  for (let at = id; layer === undefined && at !== undefined; at = parent.get(at)) {
    const where = place(byId.get(at).callFrame.url);
    if (!where.startsWith('node:') && where !== '(V8/native)') layer = packageOf(where);
  }
  layer ??= 'node (no package on the stack)';
  byLayer.set(layer, (byLayer.get(layer) ?? 0) + count);
}
print('\nbusy time by the nearest package on the stack:', byLayer, 25);

// Inclusive time of our own functions and of the middleware: the sample's stack, each frame counted once.
const inclusive = new Map();
for (const [id, count] of selfSamples) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const { callFrame } = byId.get(at);
    const where = place(callFrame.url);
    if (!where.startsWith('ours') && !['koa', '@koa/router', '@koa/cors', 'pino', 'postgres', 'jose', 'valibot', 'koa-bodyparser'].includes(where)) continue;
    const name = `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + count);
  }
}
print(`\ntop ${top} of ours and the framework's by inclusive time:`, inclusive, top);
print(`\ntop ${top} functions by self time:`, byFunction, top);
