import { constants } from 'node:fs';
import { access, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@todo/domain';
import { copyTree, installSnapshot, isInitialized, migratedSnapshot } from './embedded-snapshot.js';
import { DatabaseThread } from './embedded-thread.js';
import { lockDataDir } from './data-dir-lock.js';

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
 * gives a throwaway database (tests): a copy in memory, removed when it stops.
 */
export async function startEmbeddedPostgres(dataDir: string | null): Promise<EmbeddedPostgres> {
  const place = dataDir === null ? await throwawayDir() : { dir: dataDir, release: await lockDataDir(dataDir) };
  try {
    const thread = dataDir === null ? await DatabaseThread.start({ dataDir: place.dir, durable: false }) : await startOnDisk(dataDir);
    return {
      url: thread.url,
      failed: thread.failed,
      async stop() {
        await thread.stop();
        await place.release();
      },
    };
  } catch (error) {
    await place.release();
    throw error;
  }
}

async function startOnDisk(dataDir: string): Promise<DatabaseThread> {
  if (!(await isInitialized(dataDir))) {
    // Without a snapshot (a read-only install), PGlite runs initdb in DATA_DIR as before.
    const snapshot = await migratedSnapshot().catch(() => null);
    if (snapshot !== null) await installSnapshot(snapshot, dataDir);
  }
  return DatabaseThread.start({ dataDir, durable: true });
}

/** A throwaway database's directory is `<throwawayParent()>/<prefix><pid>-<random>`. */
export const THROWAWAY_PREFIX = 'tasks-api-db-';

/** /dev/shm (memory) where there is one, else the temp directory. */
export async function throwawayParent(): Promise<string> {
  return (await access('/dev/shm', constants.W_OK).then(() => true, () => false)) ? '/dev/shm' : tmpdir();
}

/**
 * An unflushed copy of the snapshot in `throwawayParent()`: PGlite reads the pages it needs from it, where loading the whole data directory into
 * its memory took a second of CPU per database. Removed at release, and at the next throwaway's
 * start if its process died first.
 */
async function throwawayDir(): Promise<{ dir: string; release: () => Promise<void> }> {
  const parent = await throwawayParent();
  await removeOrphans(parent);
  const dir = await mkdtemp(join(parent, `${THROWAWAY_PREFIX}${process.pid}-`));
  const release = () => rm(dir, { recursive: true, force: true });
  try {
    await copyTree((await migratedSnapshot()).dir, dir);
    return { dir, release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function removeOrphans(parent: string): Promise<void> {
  for (const name of await readdir(parent)) {
    const pid = Number(name.slice(THROWAWAY_PREFIX.length).split('-')[0]);
    if (name.startsWith(THROWAWAY_PREFIX) && Number.isInteger(pid) && !isAlive(pid)) await rm(join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
