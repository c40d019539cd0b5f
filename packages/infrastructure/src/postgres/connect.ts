import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { withoutClientOnlyParameters } from './connection-url.js';

export type Sql = postgres.Sql;

/**
 * This process's connections say who they are in pg_stat_activity, uniquely: shutdown cancels
 * the statements still running under this name, and only ours (see cancelStatementsOf).
 */
export const APPLICATION_NAME = `tasks-api:${process.pid}:${randomBytes(4).toString('hex')}`;

export interface ConnectOptions {
  readonly max: number;
  /** Server-side prepared statements; off behind a transaction-mode pooler. */
  readonly prepare: boolean;
  readonly connectTimeoutSeconds?: number;
}

/**
 * A postgres.js pool. `sslmode` in the URL is honoured by postgres.js itself; libpq-only
 * parameters such as Neon's `channel_binding` are dropped first (see connection-url.ts).
 * Notices are not printed (migrations raise some on purpose).
 */
export function connectPostgres(url: string, options: ConnectOptions): Sql {
  return postgres(withoutClientOnlyParameters(url), {
    max: options.max,
    prepare: options.prepare,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: 60,
    // No array-type lookup query on each new connection: we use no custom array types, and a
    // connection killed during that internal query rejects a promise nobody can catch.
    fetch_types: false,
    onnotice: () => {},
    connection: { application_name: APPLICATION_NAME },
  });
}
