import { readdir, readFile } from 'node:fs/promises';
import { AppError } from '@todo/domain';
import type { Sql } from './connect.js';
import { isConnectionLost, isUnavailable } from './errors.js';

export const MIGRATIONS_DIR = new URL('../../../migrations/', import.meta.url);
/** Any constant shared by every replica; it names this application's migration lock. */
const MIGRATION_LOCK_ID = 7_413_029_001;
const UNDEFINED_TABLE = '42P01';

export interface MigrationResult {
  readonly applied: string[];
}

/**
 * Applies the numbered SQL files not applied yet, in one transaction holding a
 * transaction-level advisory lock: replicas starting together apply each file once, and
 * it works through a transaction-mode pooler. When nothing is pending (every start but the
 * first after an upgrade), one plain read and no transaction.
 */
export async function migrate(sql: Sql): Promise<MigrationResult> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const done = await appliedMigrations(sql);
  if (done !== null && files.every((file) => done.has(file))) return { applied: [] };
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    // postgres.js #1208: after a connection is lost inside sql.begin, its ROLLBACK is written
    // to a closed socket and the process dies of an uncatchable TypeError. A statement failing
    // because the connection is gone therefore never settles: sql.begin rejects by itself
    // when the connection closes, and nothing is sent on it again (the server rolled back).
    const run = <T>(statement: Promise<T>): Promise<T> =>
      statement.catch((error: unknown) => (isConnectionLost(error) ? new Promise<never>(() => {}) : Promise.reject(error)));
    await run(tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
    await run(tx`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`);
    const already = new Set((await run(tx<{ name: string }[]>`select name from schema_migrations`)).map((r) => r.name));
    for (const file of files) {
      if (already.has(file)) continue;
      // Our own files, shipped with the code: the only place SQL text is run as it is.
      await run(tx.unsafe(await readFile(new URL(file, MIGRATIONS_DIR), 'utf8')));
      await run(tx`insert into schema_migrations (name) values (${file})`);
      applied.push(file);
    }
  });
  return { applied };
}

/** The names applied so far, or null when the bookkeeping table does not exist yet. */
async function appliedMigrations(sql: Sql): Promise<Set<string> | null> {
  try {
    return new Set((await sql<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
  } catch (error) {
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return null;
    throw error;
  }
}

export interface StartupOptions {
  /** How long to keep retrying while the database cannot be reached. */
  readonly timeoutMs: number;
  /** Told of each failed attempt that will be retried. */
  readonly onRetry?: (error: unknown, delayMs: number) => void;
}

/**
 * `migrate`, retried with backoff while the database is unreachable (starting, restarting,
 * failing over, connections being terminated), for at most `timeoutMs`. Then it gives up
 * with AppError('UNAVAILABLE'), whose message is the one line start-up prints.
 */
export async function migrateAtStartup(sql: Sql, options: StartupOptions): Promise<MigrationResult> {
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await migrate(sql);
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      const delayMs = Math.min(100 * 2 ** attempt, 2000) * (0.5 + Math.random() / 2);
      if (Date.now() + delayMs > deadline) {
        const code = (error as { code?: string }).code;
        throw new AppError('UNAVAILABLE', `The database could not be reached within ${options.timeoutMs} ms of start-up (last error: ${code})`, { cause: error });
      }
      options.onRetry?.(error, delayMs);
      await new Promise((later) => setTimeout(later, delayMs));
    }
  }
}
