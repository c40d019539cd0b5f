import { AppError } from '@todo/domain';
import {
  createLocalJWKSet, createRemoteJWKSet, customFetch, type ExportedJWKSCache, type FetchImplementation,
  type FlattenedJWSInput, jwksCache, type JWSHeaderParameters,
} from 'jose';
import { joseCode } from './jose-codes.js';

export interface JwksOptions {
  readonly url: string;
  /** How long after its last successful fetch a key set keeps verifying while the endpoint fails. */
  readonly maxStaleSeconds: number;
  /** At most one refetch for an unknown `kid` per this long. */
  readonly cooldownMs?: number | undefined;
  /** How long a fetched key set is used before it is fetched again. */
  readonly cacheMaxAgeMs?: number | undefined;
  readonly timeoutMs?: number | undefined;
  /** After a failed fetch, the endpoint is left alone this long, so a hanging one does not slow every request. */
  readonly retryAfterFailureMs?: number | undefined;
  /** Told of every fetch and every use of a stale key (the metrics; infrastructure knows no Prometheus). */
  readonly observer?: JwksObserver | undefined;
}

export interface JwksObserver {
  fetched(ok: boolean): void;
  staleKeyUsed(): void;
}

const COOLDOWN_MS = 30_000;
const CACHE_MAX_AGE_MS = 600_000;
const TIMEOUT_MS = 3_000;
const RETRY_AFTER_FAILURE_MS = 5_000;

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * The keys at a JWKS URL, fetched lazily by jose (cached, refetched for an unknown `kid`
 * after the cooldown), plus stale-if-error: when a fetch fails, the last key set fetched
 * successfully keeps verifying for `maxStaleSeconds`. Without a usable key because of the
 * failure, `key` throws AppError('UNAVAILABLE'); a `kid` missing from a set that was
 * fetched is jose's JWKSNoMatchingKey.
 */
export class StaleTolerantJwks {
  /** Made at the first asymmetric token: jose's makes a `Headers`, which loads undici (~0.1 s, several MB). */
  #remote: ReturnType<typeof createRemoteJWKSet> | undefined;
  readonly #makeRemote: () => ReturnType<typeof createRemoteJWKSet>;
  /** Written by jose after every successful fetch. */
  readonly #lastGood: Partial<ExportedJWKSCache> = {};
  readonly #maxStaleMs: number;
  readonly #retryAfterFailureMs: number;
  readonly #observer: JwksObserver | undefined;
  #stale: { readonly uat: number; readonly keys: LocalKeySet } | undefined;
  #retryAt = 0;

  constructor(options: JwksOptions) {
    this.#maxStaleMs = options.maxStaleSeconds * 1000;
    this.#retryAfterFailureMs = options.retryAfterFailureMs ?? RETRY_AFTER_FAILURE_MS;
    this.#observer = options.observer;
    const url = new URL(options.url); // an invalid URL still fails here, at start-up
    this.#makeRemote = () => createRemoteJWKSet(url, {
      cooldownDuration: options.cooldownMs ?? COOLDOWN_MS,
      cacheMaxAge: options.cacheMaxAgeMs ?? CACHE_MAX_AGE_MS,
      timeoutDuration: options.timeoutMs ?? TIMEOUT_MS,
      [jwksCache]: this.#lastGood as ExportedJWKSCache,
      [customFetch]: this.#fetch,
    });
  }

  /** A jose key getter: pass it to `jwtVerify`. */
  readonly key = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    this.#remote ??= this.#makeRemote();
    try {
      return await this.#remote(header, token);
    } catch (error) {
      if (isRefusal(error)) throw error;
      return this.#staleKey(header, token, error);
    }
  };

  async #staleKey(header: JWSHeaderParameters, token: FlattenedJWSInput, failure: unknown) {
    const { uat, jwks } = this.#lastGood;
    if (uat === undefined || jwks === undefined || Date.now() - uat > this.#maxStaleMs) throw unavailable(failure);
    if (this.#stale?.uat !== uat) this.#stale = { uat, keys: createLocalJWKSet(jwks) };
    try {
      const key = await this.#stale.keys(header, token);
      this.#observer?.staleKeyUsed();
      return key;
    } catch (error) {
      throw joseCode(error) === 'ERR_JWKS_NO_MATCHING_KEY' ? unavailable(failure) : error;
    }
  }

  readonly #fetch: FetchImplementation = async (url, init) => {
    if (Date.now() < this.#retryAt) throw new Error('JWKS fetch failed moments ago; not retried yet');
    try {
      const response = await fetch(url, init);
      if (response.status !== 200) this.#retryAt = Date.now() + this.#retryAfterFailureMs;
      if (this.#observer === undefined) return response;
      // Observed: read the body here to tell a usable key set from a 200 that is not one.
      const body = await response.text();
      this.#observer.fetched(response.status === 200 && isKeySet(body));
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      this.#retryAt = Date.now() + this.#retryAfterFailureMs;
      this.#observer?.fetched(false);
      throw error;
    }
  };
}

function isKeySet(body: string): boolean {
  try {
    return Array.isArray((JSON.parse(body) as { keys?: unknown }).keys);
  } catch {
    return false;
  }
}

/** The key set was had, and has no (single) key for this token: the token's fault. */
function isRefusal(error: unknown): boolean {
  return REFUSALS.has(joseCode(error) ?? '');
}

const REFUSALS = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED']);

function unavailable(cause: unknown): AppError {
  return new AppError('UNAVAILABLE', 'Signing keys unavailable', { cause });
}
