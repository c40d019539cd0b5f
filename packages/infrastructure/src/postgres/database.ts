import { resolve } from 'node:path';
import { bounded } from './bounded.js';
import { connectPostgres, type Sql } from './connect.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded.js';

export interface Database {
  readonly sql: Sql;
  /** Where the data lives, for the start-up log line (never the URL: it may hold a password). */
  readonly description: string;
  /** What start-up should warn about (DATABASE_URL parameters dropped). */
  readonly warnings: readonly string[];
  /** The embedded database only: settles when it is lost for good (the process should exit). */
  readonly failed?: Promise<Error>;
  close(): Promise<void>;
}

export interface DatabaseConfig {
  /** null: the embedded database under `dataDir`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly dbPoolMax: number;
  readonly dbPrepare: boolean;
}

/**
 * The PostgreSQL server of DATABASE_URL, or else the embedded database under DATA_DIR: the one
 * `starting` (started early by `startEmbeddedPostgres(dataDir)`, so it opens while the caller
 * loads its other modules), or one started here.
 */
export async function openDatabase(config: DatabaseConfig, starting?: Promise<EmbeddedPostgres>): Promise<Database> {
  if (config.databaseUrl !== null) {
    const warnings: string[] = [];
    const onDroppedParameters = (names: readonly string[]) =>
      warnings.push(`DATABASE_URL parameters ignored (neither postgres.js nor PostgreSQL understands them): ${names.join(', ')}`);
    const sql = connectPostgres(config.databaseUrl, { max: config.dbPoolMax, prepare: config.dbPrepare, onDroppedParameters });
    const { hostname, port, pathname } = new URL(config.databaseUrl);
    return { sql, description: `PostgreSQL at ${hostname}:${port || 5432}${pathname}`, warnings, close: () => sql.end({ timeout: 5 }) };
  }
  const dataDir = resolve(config.dataDir);
  const embedded = await (starting ?? startEmbeddedPostgres(dataDir));
  // Every client of the embedded server shares one session: one connection, or the pool hangs.
  const sql = connectPostgres(embedded.url, { max: 1, prepare: true, connectTimeoutSeconds: 30 });
  return {
    sql,
    description: `embedded PostgreSQL (PGlite) in ${dataDir}`,
    warnings: [],
    failed: embedded.failed,
    async close() {
      await sql.end({ timeout: 5 });
      await embedded.stop();
    },
  };
}

/** A bounded `select 1`: false when the database does not answer in time. */
export async function isReachable(sql: Sql, timeoutMs = 2000): Promise<boolean> {
  try {
    await bounded(sql`select 1`, timeoutMs);
    return true;
  } catch {
    return false;
  }
}
