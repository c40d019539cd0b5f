import type { Clock, TokenClaims, TokenVerifier } from '../ports.js';

interface Entry {
  readonly claims: TokenClaims;
  /** `exp` in ms: past it, the token is verified again (and refused once the verifier's clock tolerance is over). */
  readonly expiresAt: number;
}

export interface TokenCacheLimits {
  /** Tokens remembered at most; the oldest is forgotten first. */
  readonly maxEntries: number;
  /** Longer tokens are verified on every request (they would make the bound on memory loose). */
  readonly maxTokenLength: number;
}

const DEFAULT_LIMITS: TokenCacheLimits = { maxEntries: 5_000, maxTokenLength: 2_048 };

/**
 * A client sends the same token on every request until it expires: this verifies it once.
 * Keyed by the raw token string (the same string carries the same signature and claims).
 * Only accepted tokens are kept, and only until their `exp`, so a refused, tampered or
 * expired token always reaches the real verifier.
 */
export class CachedTokenVerifier implements TokenVerifier {
  readonly #inner: TokenVerifier;
  readonly #clock: Clock;
  readonly #limits: TokenCacheLimits;
  readonly #entries = new Map<string, Entry>();

  constructor(inner: TokenVerifier, clock: Clock, limits: TokenCacheLimits = DEFAULT_LIMITS) {
    this.#inner = inner;
    this.#clock = clock;
    this.#limits = limits;
  }

  async verify(token: string): Promise<TokenClaims> {
    const now = this.#clock.now().getTime();
    const known = this.#entries.get(token);
    if (known !== undefined) {
      if (now < known.expiresAt) return known.claims;
      this.#entries.delete(token);
    }
    const claims = await this.#inner.verify(token);
    const exp = claims['exp'];
    if (typeof exp === 'number' && now < exp * 1000 && token.length <= this.#limits.maxTokenLength) {
      this.#entries.set(token, { claims: Object.freeze({ ...claims }), expiresAt: exp * 1000 });
      if (this.#entries.size > this.#limits.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return claims;
  }

  get size(): number {
    return this.#entries.size;
  }
}
