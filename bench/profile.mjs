// Summarises a V8 .cpuprofile (from BENCH_SERVICE_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=DIR'):
// self time by package (or our own packages/<name>), and the top functions by self time.
// Usage: node bench/profile.mjs FILE.cpuprofile [top]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node bench/profile.mjs FILE.cpuprofile [top]\n');
  process.exit(64);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topArg ?? 30);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const total = profile.samples.length;

/** Where a function lives: node_modules/<package>, packages/<ours>, node:<internal>, or (V8). */
function place(url) {
  if (url === '') return '(V8/native)';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  const ours = /packages\/([^/]+)\//.exec(url);
  if (ours) return `ours: ${ours[1]}`;
  if (url.startsWith('node:')) return url.split('/')[0];
  return url;
}

const byPlace = new Map();
const byFunction = new Map();
for (const [id, count] of selfSamples) {
  const { callFrame } = byId.get(id);
  const where = place(callFrame.url);
  byPlace.set(where, (byPlace.get(where) ?? 0) + count);
  const name = `${callFrame.functionName || '(anonymous)'} ${where}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + count);
}
const pct = (n) => `${((n / total) * 100).toFixed(1).padStart(5)}%`;
const print = (title, map, limit) => {
  console.log(title);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) console.log(`${pct(v)}  ${k}`);
};
console.log(`${total} samples, ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
print('\nself time by place:', byPlace, 25);
print(`\ntop ${top} functions by self time:`, byFunction, top);
