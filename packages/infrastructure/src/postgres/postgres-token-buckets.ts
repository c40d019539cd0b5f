import type { Sql } from './connect.js';
import { bounded, DEFAULT_DB_TIMEOUT_MS, type RepositoryOptions } from './bounded.js';

/** What one take did: whether a token was there, and the tokens left after it (fractional). */
export interface TakenToken {
  readonly allowed: boolean;
  readonly tokens: number;
}

/** A full bucket has no row: one untouched for this long is full again, so its row can go. */
const SWEEP_AFTER_SECONDS = 60;

/**
 * Token buckets shared by every process on the database (RATE_LIMIT_STORE=postgres): `capacity`
 * tokens, refilled at `capacity` per minute. Each take is ONE statement: the refill, the check and
 * the decrement happen under the row lock of the upsert, timed by the database's clock, so takes
 * from any number of replicas at once are serialized per key and never over-admit. It works
 * through a transaction-mode pooler (no session state).
 */
export class PostgresTokenBuckets {
  readonly #sql: Sql;
  readonly #capacity: number;
  readonly #perSecond: number;
  readonly #timeoutMs: number;

  constructor(sql: Sql, capacityPerMinute: number, options: RepositoryOptions = {}) {
    this.#sql = sql;
    this.#capacity = capacityPerMinute;
    this.#perSecond = capacityPerMinute / 60;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_DB_TIMEOUT_MS;
  }

  async take(key: string): Promise<TakenToken> {
    const sql = this.#sql;
    const capacity = this.#capacity;
    const [row] = await bounded(sql<TakenToken[]>`
        insert into rate_limit_buckets as b (key, tokens, at, allowed)
        values (${key}, ${capacity - 1}::float8, clock_timestamp(), true)
        on conflict (key) do update set (tokens, at, allowed) = (
          select case when r.refilled >= 1 then r.refilled - 1 else r.refilled end, n.now, r.refilled >= 1
          from (select clock_timestamp() as now) n,
          lateral (select least(${capacity}::float8,
                                b.tokens + greatest(0, extract(epoch from n.now - b.at)::float8) * ${this.#perSecond}::float8) as refilled) r)
        returning allowed, tokens`, this.#timeoutMs);
    return row!;
  }

  /** Deletes the rows of buckets that are full again; any replica may run it, any time. */
  async sweep(): Promise<number> {
    const result = await bounded(this.#sql`
      delete from rate_limit_buckets where at < clock_timestamp() - make_interval(secs => ${SWEEP_AFTER_SECONDS})`, this.#timeoutMs);
    return result.count;
  }
}
