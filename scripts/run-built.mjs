// Compiles the workspace (`tsc -b`) only when a source changed since the last successful
// build, then runs the given entry point in this very process (no second Node start-up).
//
//   node scripts/run-built.mjs                      build if needed (npm test, npm run dev)
//   node scripts/run-built.mjs --force              always build (npm run build)
//   node scripts/run-built.mjs --if-typescript      build if needed, skip quietly without TypeScript (prepare)
//   node scripts/run-built.mjs <entry.js> [args…]   build if needed, then run the entry (npm start, npm run cli)
//
// "Changed" is decided by modification times, which costs a few milliseconds instead of the
// second or more that loading the compiler takes for `tsc -b` to find nothing to do. The
// stamp is written after a successful build and dated from its start, so an edit made while
// tsc runs still counts as newer. A deleted or renamed file changes its directory's time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'node_modules', '.cache', 'tasks-api', 'build-stamp');
const projects = readJson(join(root, 'tsconfig.json')).references.map((ref) => join(root, ref.path));

const [first, ...rest] = process.argv.slice(2);
const force = first === '--force';
const ifTypeScript = first === '--if-typescript';
const entry = first === undefined || first.startsWith('--') ? undefined : first;

if (force || !isUpToDate()) build();
if (entry !== undefined) {
  const file = resolve(entry);
  process.argv = [process.argv[0], file, ...rest];
  await import(pathToFileURL(file).href);
}

function isUpToDate() {
  if (!existsSync(stamp) || projects.some((project) => !existsSync(join(project, 'dist')))) return false;
  return newestInputTime() < statSync(stamp).mtimeMs;
}

/** The latest modification time among what tsc reads: configs, manifests, sources and their folders. */
function newestInputTime() {
  let newest = 0;
  const visit = (path) => {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) return;
    newest = Math.max(newest, stats.mtimeMs);
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const file of ['tsconfig.json', 'tsconfig.base.json', 'package-lock.json']) visit(join(root, file));
  for (const project of projects) {
    visit(join(project, 'tsconfig.json'));
    visit(join(project, 'package.json'));
    for (const folder of readJson(join(project, 'tsconfig.json')).include ?? []) visit(join(project, folder));
  }
  return newest;
}

function build() {
  let tsc;
  try {
    const require = createRequire(import.meta.url);
    require.resolve('@types/node/package.json'); // a dev dependency: TypeScript alone may be there as an optional peer
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    if (ifTypeScript) {
      console.error('The dev dependencies are not installed: not compiling; packages/*/dist is used as it is.');
      return;
    }
    console.error('The compiled code is missing or older than the sources, and the dev dependencies (TypeScript) are not '
      + 'installed: build first with `npm ci`, or run the compiled code with `node packages/http/dist/src/main.js`.');
    process.exit(1);
  }
  const started = new Date();
  console.error(existsSync(stamp) ? 'Sources changed: compiling (tsc -b)…' : 'Compiling the TypeScript sources (tsc -b), once…');
  const { status, signal } = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? (signal === null ? 1 : 128));
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
