import type { PostgresTokenBuckets } from '@todo/infrastructure';

export interface BucketVerdict {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Seconds until the bucket is full again. */
  readonly resetSeconds: number;
  /** Seconds until one token is available (0 when allowed). */
  readonly retryAfterSeconds: number;
}

/** Where the buckets live (RATE_LIMIT_STORE): this process's memory, or the database shared by every replica. */
export interface RateLimitStore {
  readonly capacity: number;
  take(key: string): BucketVerdict | Promise<BucketVerdict>;
  close(): void;
}

/** The verdict of a bucket of `capacity` (refilled at `capacity` per minute) left with `tokens`. */
function verdict(capacity: number, allowed: boolean, tokens: number): BucketVerdict {
  const perMs = capacity / 60_000;
  return {
    allowed,
    remaining: Math.floor(tokens),
    resetSeconds: Math.ceil((capacity - tokens) / perMs / 1000),
    retryAfterSeconds: allowed ? 0 : Math.ceil((1 - tokens) / perMs / 1000),
  };
}

/**
 * One token bucket per key: `capacity` requests at once, refilled at `capacity` per minute.
 * At most `maxKeys` buckets are kept; the least recently used goes first, which can only
 * ever be generous (a forgotten bucket starts full).
 */
export class TokenBuckets implements RateLimitStore {
  readonly capacity: number;
  readonly #perMs: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(capacityPerMinute: number, maxKeys = 100_000) {
    this.capacity = capacityPerMinute;
    this.#perMs = capacityPerMinute / 60_000;
    this.#maxKeys = maxKeys;
  }

  take(key: string, now = Date.now()): BucketVerdict {
    const bucket = this.#buckets.get(key);
    let tokens = bucket === undefined ? this.capacity : Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.#perMs);
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    this.#buckets.delete(key);
    this.#buckets.set(key, { tokens, at: now });
    if (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    return verdict(this.capacity, allowed, tokens);
  }

  get size(): number {
    return this.#buckets.size;
  }

  close(): void {}
}

const SWEEP_EVERY_MS = 60_000;

/** RATE_LIMIT_STORE=postgres: the same buckets, in the database, exact across replicas. */
export class SharedTokenBuckets implements RateLimitStore {
  readonly capacity: number;
  readonly #buckets: PostgresTokenBuckets;
  readonly #sweeper: NodeJS.Timeout;

  constructor(buckets: PostgresTokenBuckets, capacityPerMinute: number) {
    this.capacity = capacityPerMinute;
    this.#buckets = buckets;
    // Full buckets' rows go; a failed sweep is retried next time (the rows are only garbage).
    this.#sweeper = setInterval(() => void buckets.sweep().catch(() => {}), SWEEP_EVERY_MS).unref();
  }

  async take(key: string): Promise<BucketVerdict> {
    const { allowed, tokens } = await this.#buckets.take(key);
    return verdict(this.capacity, allowed, tokens);
  }

  close(): void {
    clearInterval(this.#sweeper);
  }
}
