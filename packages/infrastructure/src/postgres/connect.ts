import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { connectionUrl } from './connection-url.js';
import { timestamptzType } from './timestamptz.js';

export type Sql = postgres.Sql;

/**
 * Short: a statement pipelined behind others is cancelled only once it is the active one
 * (see bounded.ts), one after the other, and the last must still be within the cancel's grace.
 */
const PIPELINE_DEPTH = 4;

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
    // Up to PIPELINE_DEPTH statements sent behind the active one on a busy connection (when
    // every connection is busy): one write and one wake-up of the backend for several.
    ...({ max_pipeline: PIPELINE_DEPTH } as object), // read by postgres.js 3.4.9, missing from its types
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
