import type { Clock, TokenClaims, TokenVerifier } from '@todo/application';
import { LRUCache } from 'lru-cache';

export interface TokenCacheLimits {
  /** Tokens remembered at most; the least recently used is forgotten first. */
  readonly maxEntries: number;
  /** Longer tokens are verified on every request (they would make the bound on memory loose). */
  readonly maxTokenLength: number;
}

const DEFAULT_LIMITS: TokenCacheLimits = { maxEntries: 5_000, maxTokenLength: 2_048 };

/**
 * A client sends the same token on every request until it expires: this verifies it once.
 * Keyed by the raw token string (the same string carries the same signature and claims).
 * Only accepted tokens are kept, each until its `exp` (lru-cache's per-entry TTL, read on
 * the clock given), so a refused, tampered or expired token always reaches the real
 * verifier, whose clock tolerance then decides.
 */
export class CachedTokenVerifier implements TokenVerifier {
  readonly #inner: TokenVerifier;
  readonly #clock: Clock;
  readonly #maxTokenLength: number;
  readonly #entries: LRUCache<string, TokenClaims>;

  constructor(inner: TokenVerifier, clock: Clock, limits: TokenCacheLimits = DEFAULT_LIMITS) {
    this.#inner = inner;
    this.#clock = clock;
    this.#maxTokenLength = limits.maxTokenLength;
    this.#entries = new LRUCache({ max: limits.maxEntries, ttlResolution: 0, perf: { now: () => clock.now().getTime() } });
  }

  async verify(token: string): Promise<TokenClaims> {
    const known = this.#entries.get(token);
    if (known !== undefined) return known;
    const claims = await this.#inner.verify(token);
    const exp = claims['exp'];
    // lru-cache serves an entry while its age is at most `ttl`: one millisecond less, so `exp` itself is a miss.
    const ttl = typeof exp === 'number' ? Math.floor(exp * 1000 - this.#clock.now().getTime()) - 1 : 0;
    if (ttl >= 1 && token.length <= this.#maxTokenLength) this.#entries.set(token, Object.freeze({ ...claims }), { ttl });
    return claims;
  }

  get size(): number {
    return this.#entries.size;
  }
}
