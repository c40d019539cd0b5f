import { readFile } from 'node:fs/promises';
import { AppError } from '@todo/domain';
import { installSnapshot, isInitialized, migratedSnapshot } from './embedded-snapshot.js';
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
