import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@todo/domain';
import { installSnapshot, isInitialized, migratedSnapshot } from './embedded-snapshot.js';
import { DatabaseThread } from './embedded-thread.js';

export interface EmbeddedPostgres {
  /** A postgres:// URL for postgres.js; use it with a pool of ONE connection (all clients share one session). */
  readonly url: string;
  /**
   * Settles with the reason when the database is lost for good (a disk error it cannot go on
   * after, a wedged thread): log it and exit non-zero, so a supervisor restarts the service.
   */
  readonly failed: Promise<AppError>;
  stop(): Promise<void>;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), on a thread of its own (embedded-thread.ts),
 * served on a loopback port so the same postgres.js adapter talks to it. On disk every commit
 * is flushed (fdatasync of the WAL) before it is acknowledged. A new database starts as a copy
 * of the migrated snapshot (embedded-snapshot.ts) instead of running initdb. `dataDir` null
 * keeps it in memory (tests).
 */
export async function startEmbeddedPostgres(dataDir: string | null): Promise<EmbeddedPostgres> {
  const release = dataDir === null ? async () => {} : await lockDataDir(dataDir);
  try {
    const thread = dataDir === null
      ? await DatabaseThread.start({ dataDir, tarball: await snapshotTarball(), durable: false })
      : await startOnDisk(dataDir);
    return {
      url: thread.url,
      failed: thread.failed,
      async stop() {
        await thread.stop();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

async function startOnDisk(dataDir: string): Promise<DatabaseThread> {
  if (!(await isInitialized(dataDir))) {
    // Without a snapshot (a read-only install), PGlite runs initdb in DATA_DIR as before.
    const snapshot = await migratedSnapshot().catch(() => null);
    if (snapshot !== null) await installSnapshot(snapshot, dataDir);
  }
  return DatabaseThread.start({ dataDir, tarball: null, durable: true });
}

let tarball: Promise<Uint8Array> | undefined;

/** Read once per process: every in-memory database of a test process starts from it. */
function snapshotTarball(): Promise<Uint8Array> {
  tarball ??= migratedSnapshot().then((snapshot) => readFile(snapshot.tarball));
  return tarball;
}

/**
 * PGlite is one process's database: a second process opening the same directory would
 * corrupt it. A lock file with the owner's pid keeps the CLI off a running server's data.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'tasks-api.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(lockFile, 'utf8').catch(() => ''));
      if (owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new AppError('UNAVAILABLE', `The embedded database in ${dataDir} is in use by process ${owner}; stop it first, or set DATABASE_URL`);
      }
      await rm(lockFile, { force: true }); // left behind by a process that is gone
    }
  }
  throw new AppError('UNAVAILABLE', `Could not lock the embedded database in ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
