export interface BucketVerdict {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Seconds until the bucket is full again. */
  readonly resetSeconds: number;
  /** Seconds until one token is available (0 when allowed). */
  readonly retryAfterSeconds: number;
}

/**
 * One token bucket per key: `capacity` requests at once, refilled at `capacity` per minute.
 * At most `maxKeys` buckets are kept; the least recently used goes first, which can only
 * ever be generous (a forgotten bucket starts full).
 */
export class TokenBuckets {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(capacityPerMinute: number, maxKeys = 100_000) {
    this.#capacity = capacityPerMinute;
    this.#perMs = capacityPerMinute / 60_000;
    this.#maxKeys = maxKeys;
  }

  take(key: string, now: number): BucketVerdict {
    const bucket = this.#buckets.get(key);
    let tokens = bucket === undefined ? this.#capacity : Math.min(this.#capacity, bucket.tokens + (now - bucket.at) * this.#perMs);
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    this.#buckets.delete(key);
    this.#buckets.set(key, { tokens, at: now });
    if (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    return {
      allowed,
      remaining: Math.floor(tokens),
      resetSeconds: Math.ceil((this.#capacity - tokens) / this.#perMs / 1000),
      retryAfterSeconds: allowed ? 0 : Math.ceil((1 - tokens) / this.#perMs / 1000),
    };
  }

  get size(): number {
    return this.#buckets.size;
  }
}
