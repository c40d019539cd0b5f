import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@todo/domain';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL for postgres.js; use it with a pool of ONE connection (all clients share one session). */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), in this process, served on a loopback port
 * so the same postgres.js adapter talks to it. `dataDir` null keeps it in memory.
 */
export async function startEmbeddedPostgres(dataDir: string | null): Promise<EmbeddedPostgres> {
  const release = dataDir === null ? async () => {} : await lockDataDir(dataDir);
  try {
    const db = dataDir === null ? new PGlite() : new PGlite(dataDir);
    await db.waitReady;
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres`,
      async stop() {
        await server.stop();
        await db.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
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
