import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@todo/domain';
import { copyTree, installSnapshot, isInitialized, migratedSnapshot } from './embedded-snapshot.js';
import { DatabaseThread } from './embedded-thread.js';
import { isAlive, lockDataDir } from './data-dir-lock.js';

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
 * gives a throwaway database (tests): a copy in the temp directory, removed when it stops.
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

/** A throwaway database's directory is `<temp directory>/<prefix><pid>-<random>`. */
export const THROWAWAY_PREFIX = 'tasks-api-db-';

/**
 * An unflushed copy of the snapshot in the temp directory (`npm test` sets TMPDIR to /dev/shm):
 * PGlite reads the pages it needs from it, where loading the whole data directory into its
 * memory took a second of CPU per database. Removed at release, and at the next throwaway's
 * start if its process died first.
 */
async function throwawayDir(): Promise<{ dir: string; release: () => Promise<void> }> {
  await removeOrphans(tmpdir());
  const dir = await mkdtemp(join(tmpdir(), `${THROWAWAY_PREFIX}${process.pid}-`));
  const release = () => rm(dir, { recursive: true, force: true });
  try {
    copyTree((await migratedSnapshot()).dir, dir);
    return { dir, release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function removeOrphans(parent: string): Promise<void> {
  for (const name of (await readdir(parent)).filter((entry) => entry.startsWith(THROWAWAY_PREFIX))) {
    const pid = Number(name.slice(THROWAWAY_PREFIX.length).split('-')[0]);
    if (pid > 0 && Number.isInteger(pid) && !isAlive(pid)) await rm(join(parent, name), { recursive: true, force: true });
  }
}
