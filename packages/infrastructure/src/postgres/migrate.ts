import { readdir, readFile } from 'node:fs/promises';
import type { Sql } from './connect.js';

export const MIGRATIONS_DIR = new URL('../../../migrations/', import.meta.url);
/** Any constant shared by every replica; it names this application's migration lock. */
const MIGRATION_LOCK_ID = 7_413_029_001;

export interface MigrationResult {
  readonly applied: string[];
}

/**
 * Applies the numbered SQL files not applied yet, in one transaction holding a
 * transaction-level advisory lock: replicas starting together apply each file once, and
 * it works through a transaction-mode pooler.
 */
export async function migrate(sql: Sql): Promise<MigrationResult> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`;
    await tx`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`;
    const done = new Set((await tx<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      // Our own files, shipped with the code: the only place SQL text is run as it is.
      await tx.unsafe(await readFile(new URL(file, MIGRATIONS_DIR), 'utf8'));
      await tx`insert into schema_migrations (name) values (${file})`;
      applied.push(file);
    }
  });
  return { applied };
}
