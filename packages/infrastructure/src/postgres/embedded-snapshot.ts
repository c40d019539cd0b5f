import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, constants, copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectPostgres } from './connect.js';
import { DatabaseThread } from './embedded-thread.js';
import { MIGRATIONS_DIR, migrate } from './migrate.js';

/**
 * A migrated data directory made once (initdb + every migration: the slow, memory-hungry
 * part of a first start) and copied for each new embedded database: a fresh DATA_DIR, every
 * test database. Kept under packages/infrastructure/.cache, named after what makes it: the
 * PGlite version and the migration files. A change to either makes a new one. `npm install`
 * makes it (the prepare script runs scripts/make-snapshot.mjs), so a first start does not run initdb.
 *
 * Made once even by processes starting together: one holds `<name>.lock` (kept fresh while it
 * works, so only a dead maker's lock is taken over) and builds beside, flushes, then publishes
 * it by renaming it into place; a published snapshot is never replaced, since new databases
 * are being copied from it.
 */
export interface Snapshot {
  readonly dir: string;
}

const CACHE_DIR = fileURLToPath(new URL('../../../.cache/', import.meta.url));
/** Bump when the way a snapshot is made changes. */
const FORMAT = '2';
const BUILD_LOCK_STALE_MS = 120_000;
const BUILD_LOCK_REFRESH_MS = 10_000;

let made: Promise<Snapshot> | undefined;

/** The snapshot for the current code, made first if needed (once per process, once per machine). */
export function migratedSnapshot(): Promise<Snapshot> {
  made ??= findOrMake().catch((error: unknown) => {
    made = undefined;
    throw error;
  });
  return made;
}

async function findOrMake(): Promise<Snapshot> {
  const name = `pglite-${await snapshotKey()}`;
  const snapshot = { dir: join(CACHE_DIR, name) };
  if (await exists(snapshot.dir)) return snapshot;
  await mkdir(CACHE_DIR, { recursive: true });
  // Parallel test processes: one makes it, the others wait for it.
  const lock = join(CACHE_DIR, `${name}.lock`);
  for (;;) {
    try {
      await (await open(lock, 'wx')).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(lock).then((s) => s.mtimeMs, () => Date.now()));
      if (age > BUILD_LOCK_STALE_MS) await rm(lock, { force: true });
      else await new Promise((later) => setTimeout(later, 200));
      if (await exists(snapshot.dir)) return snapshot;
    }
  }
  const refresh = setInterval(() => {
    const now = new Date();
    utimes(lock, now, now).catch(() => {});
  }, BUILD_LOCK_REFRESH_MS);
  try {
    if (!(await exists(snapshot.dir))) await make(name, snapshot);
    return snapshot;
  } finally {
    clearInterval(refresh);
    await rm(lock, { force: true });
  }
}

/** Builds beside under the lock, so anything else named after the snapshot here is a dead maker's or an old one. */
async function make(name: string, snapshot: Snapshot): Promise<void> {
  for (const old of await readdir(CACHE_DIR)) {
    if (old.startsWith('pglite-') && old !== `${name}.lock`) await rm(join(CACHE_DIR, old), { recursive: true, force: true });
  }
  const building = `${snapshot.dir}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
  // In a thread of its own: initdb's hundreds of megabytes go back to the OS when it ends.
  const thread = await DatabaseThread.start({ dataDir: building, durable: false });
  try {
    const sql = connectPostgres(thread.url, { max: 1, prepare: true });
    try {
      await migrate(sql);
      await sql`checkpoint`;
    } finally {
      await sql.end({ timeout: 5 });
    }
  } finally {
    await thread.stop();
  }
  // Made with fsync off: flushed before it is published, or a power cut could leave a
  // published snapshot with empty files, copied into every new DATA_DIR after.
  await flushTree(building);
  await rename(building, snapshot.dir);
  await flush(CACHE_DIR);
}

async function snapshotKey(): Promise<string> {
  const hash = createHash('sha256').update(FORMAT);
  const pglite = join(dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))), '..', 'package.json');
  hash.update(JSON.parse(await readFile(pglite, 'utf8')).version as string);
  for (const file of (await readdir(MIGRATIONS_DIR)).sort()) hash.update(file).update(await readFile(new URL(file, MIGRATIONS_DIR)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Makes `dataDir` a copy of the snapshot, crash-safe: copied beside, flushed, then moved in
 * with PG_VERSION last (PGlite takes a directory without it for an empty one).
 */
export async function installSnapshot(snapshot: Snapshot, dataDir: string): Promise<void> {
  const staging = join(dataDir, '.installing');
  await rm(staging, { recursive: true, force: true });
  copyTree(snapshot.dir, staging);
  await flushTree(staging);
  const entries = (await readdir(staging)).sort((a, b) => Number(a === 'PG_VERSION') - Number(b === 'PG_VERSION'));
  for (const entry of entries) {
    await rm(join(dataDir, entry), { recursive: true, force: true }); // left by an earlier, interrupted install
    await rename(join(staging, entry), join(dataDir, entry));
  }
  await rm(staging, { recursive: true, force: true });
  await flush(dataDir);
}

/**
 * `from` copied to `to` (made), modes kept, with synchronous copyFile (the kernel copies the
 * bytes): the snapshot's 1,000 files are in the page cache, and 1,000 trips through libuv's
 * thread pool cost twice the CPU of the copies themselves (fs.cp, three times).
 */
export function copyTree(from: string, to: string): void {
  const entries = readdirSync(from, { withFileTypes: true, recursive: true });
  const target = (entry: { parentPath: string; name: string }) => join(to, relative(from, entry.parentPath), entry.name);
  mkdirSync(to, { recursive: true });
  chmodSync(to, statSync(from).mode);
  for (const dir of entries.filter((e) => e.isDirectory())) {
    mkdirSync(target(dir), { recursive: true });
    chmodSync(target(dir), statSync(join(dir.parentPath, dir.name)).mode);
  }
  for (const file of entries.filter((e) => !e.isDirectory())) copyFileSync(join(file.parentPath, file.name), target(file));
}

export async function isInitialized(dataDir: string): Promise<boolean> {
  return exists(join(dataDir, 'PG_VERSION'));
}

/** fsync of every file, then of every directory (deepest first), 32 at a time. */
async function flushTree(root: string): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name));
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => join(e.parentPath, e.name)).sort((a, b) => b.length - a.length);
  for (const paths of [files, [...dirs, root]]) {
    for (let i = 0; i < paths.length; i += 32) await Promise.all(paths.slice(i, i + 32).map(flush));
  }
}

async function flush(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
