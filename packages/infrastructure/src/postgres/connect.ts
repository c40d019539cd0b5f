import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { connectionUrl } from './connection-url.js';
import { timestamptzType } from './timestamptz.js';

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
  /** Told the names of URL parameters dropped because nothing understands them. */
  readonly onDroppedParameters?: (names: readonly string[]) => void;
}

/**
 * A postgres.js pool. `sslmode` in the URL is honoured by postgres.js itself; parameters
 * neither it nor PostgreSQL understands, such as Neon's `channel_binding`, are dropped
 * first (see connection-url.ts).
 * Notices are not printed (migrations raise some on purpose).
 */
export function connectPostgres(url: string, options: ConnectOptions): Sql {
  const { url: understood, dropped } = connectionUrl(url);
  if (dropped.length > 0) options.onDroppedParameters?.(dropped);
  return postgres(understood, {
    max: options.max,
    prepare: options.prepare,
    // At most one statement queued behind another on a connection: the driver sends the cancel
    // of a queued one only once it is active, and with several queued and cancelled it
    // hands results to the wrong statements (connection.js, ReadyForQuery).
    ...({ max_pipeline: 1 } as object), // read by postgres.js 3.4.9, missing from its types
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: 60,
    // No array-type lookup query on each new connection: we use no custom array types, and a
    // connection killed during that internal query rejects a promise nobody can catch.
    fetch_types: false,
    onnotice: () => {},
    // timestamptz read exactly for every year (see timestamptz.ts).
    types: { timestamptz: timestamptzType },
    connection: { application_name: APPLICATION_NAME },
  }) as unknown as Sql;
}
