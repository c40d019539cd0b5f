// Runs the compiled test files (`npm test` calls it after building) with `node --test`, a few
// files per process instead of one: each test process pays ~1 s of CPU to load the app and its
// test helpers before its first test, which for 60 files was a third of the suite's time.
//
//   node scripts/test.mjs                   every packages/*/dist/test/*.test.js
//   node scripts/test.mjs <file.test.js>…   only these (the same grouping)
//
// A `*.process.test.js` file keeps a process of its own: it starts services and signals them,
// and mostly waits, so it runs beside the others and starts first (so do the few in RUN_ALONE).
// The other files of a package share a process, at most GROUP_SIZE to one; their tests run one
// file after another, as they would alone (each file opens its own databases, and no file sets
// anything global). A file still runs alone as before: `node --test <file>`.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const GROUP_SIZE = 15;
/**
 * Files that are not process files but spend tens of seconds waiting (on timeouts, and with
 * TEST_DATABASE_URL on the server): alone, they wait beside the others instead of holding up a group.
 */
const RUN_ALONE = ['database-faults.http.test.js', 'properties.http.test.js'];
/** Processes at a time: the groups are CPU-bound, the process files mostly wait. */
const CONCURRENCY = 4;

const root = fileURLToPath(new URL('..', import.meta.url));
const entries = join(root, 'node_modules', '.cache', 'tasks-api', 'test-processes');
const given = process.argv.slice(2);
const files = given.length > 0 ? given.map((file) => resolve(file)) : allTestFiles();
const missing = given.length > 0 ? [] : RUN_ALONE.filter((name) => !files.some((file) => basename(file) === name));
if (missing.length > 0) throw new Error(`scripts/test.mjs: RUN_ALONE names no test file: ${missing.join(', ')} (renamed?)`);

rmSync(entries, { recursive: true, force: true });
mkdirSync(entries, { recursive: true });
const processes = plan(files).map(({ name, members }, index) => {
  const entry = join(entries, `${String(index).padStart(2, '0')}-${name}.mjs`);
  writeFileSync(entry, members.map((file) => `import ${JSON.stringify(pathToFileURL(file).href)};\n`).join(''));
  return entry;
});

// --liftoff-only: see NODE_FLAGS in packages/http/testing/service-process.ts.
const args = ['--test', `--test-concurrency=${CONCURRENCY}`, '--liftoff-only', ...processes];
const { status, signal } = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...scratchInMemory() } });
process.exitCode = status ?? (signal === null ? 1 : 128);

/**
 * The tests' temporary directories (DATA_DIRs, throwaway databases, fixtures) in memory where
 * the machine has /dev/shm and TMPDIR is not set: a first start's copy of the snapshot flushes
 * 1,000 files, which on a real disk cost half a second of system time per service the tests start.
 */
function scratchInMemory() {
  if (process.env.TMPDIR !== undefined) return {};
  try {
    accessSync('/dev/shm', constants.W_OK);
    return { TMPDIR: '/dev/shm' };
  } catch {
    return {};
  }
}

function allTestFiles() {
  const packages = join(root, 'packages');
  return readdirSync(packages).flatMap((name) => {
    const dir = join(packages, name, 'dist', 'test');
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.test.js')).map((e) => join(dir, e.name));
  }).sort();
}

/** Process files (and RUN_ALONE) first, one each, then each package's other files in groups of GROUP_SIZE. */
function plan(testFiles) {
  const alone = testFiles.filter((file) => file.endsWith('.process.test.js') || RUN_ALONE.includes(basename(file)));
  const byPackage = new Map();
  for (const file of testFiles.filter((file) => !alone.includes(file))) {
    const name = relative(join(root, 'packages'), file).split('/')[0];
    byPackage.set(name, [...(byPackage.get(name) ?? []), file]);
  }
  const groups = [...byPackage].flatMap(([name, members]) => {
    const count = Math.ceil(members.length / GROUP_SIZE);
    return Array.from({ length: count }, (_, i) => ({ name: `${name}-${i + 1}`, members: members.filter((_, j) => j % count === i) }));
  });
  return [...alone.map((file) => ({ name: basename(file, '.test.js'), members: [file] })), ...groups];
}
