import { AppError } from '@todo/domain';
import type { Clock, TokenClaims, TokenVerifier } from '@todo/application';
import { decodeProtectedHeader, errors, type JWTVerifyOptions, jwtVerify } from 'jose';
import type { StaleTolerantJwks } from './stale-tolerant-jwks.js';
import { joseCode } from './jose-codes.js';

export interface JoseVerifierOptions {
  /** Shared secret for HS256/384/512 tokens, used as its UTF-8 bytes. */
  readonly secret: string;
  /** Keys for EdDSA/ES256/ES512/RS256/PS256 tokens; without it those tokens are refused. */
  readonly jwks?: StaleTolerantJwks | undefined;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  /** The longest a token may be valid, from now and from its `iat` (JWT_MAX_LIFETIME_S). */
  readonly maxLifetimeSeconds?: number | undefined;
  /** The time `exp`, `nbf` and `iat` are judged by; the system clock when absent. */
  readonly clock?: Clock | undefined;
}

/** Better Auth issues 15-minute tokens; a day leaves room for other issuers and development tokens. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** Each key kind verifies only its own algorithms, so a token cannot choose how it is checked. */
const SYMMETRIC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC_ALGORITHMS = ['EdDSA', 'ES256', 'ES512', 'RS256', 'PS256'];
const CLOCK_TOLERANCE_SECONDS = 5;

export class JoseTokenVerifier implements TokenVerifier {
  readonly #secret: Uint8Array;
  readonly #jwks: StaleTolerantJwks | undefined;
  readonly #claims: JWTVerifyOptions;
  readonly #maxLifetimeSeconds: number;
  readonly #clock: Clock | undefined;

  constructor(options: JoseVerifierOptions) {
    this.#secret = new TextEncoder().encode(options.secret);
    this.#jwks = options.jwks;
    this.#maxLifetimeSeconds = options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    this.#clock = options.clock;
    this.#claims = {
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      ...(options.issuer !== undefined && { issuer: options.issuer }),
      ...(options.audience !== undefined && { audience: options.audience }),
    };
  }

  async verify(token: string): Promise<TokenClaims> {
    const claims = this.#clock === undefined ? this.#claims : { ...this.#claims, currentDate: this.#clock.now() };
    try {
      return this.#withSaneLifetime(await this.#verifySignatureAndClaims(token, claims), claims.currentDate);
    } catch (error) {
      throw error instanceof AppError ? error : rejection(error);
    }
  }

  async #verifySignatureAndClaims(token: string, claims: JWTVerifyOptions): Promise<TokenClaims> {
    const { alg } = decodeProtectedHeader(token);
    if (typeof alg === 'string' && SYMMETRIC_ALGORITHMS.includes(alg)) {
      return (await jwtVerify(token, this.#secret, { ...claims, algorithms: SYMMETRIC_ALGORITHMS })).payload;
    }
    if (typeof alg === 'string' && ASYMMETRIC_ALGORITHMS.includes(alg) && this.#jwks !== undefined) {
      return (await jwtVerify(token, this.#jwks.key, { ...claims, algorithms: ASYMMETRIC_ALGORITHMS })).payload;
    }
    throw new errors.JOSEAlgNotAllowed(`"alg" ${JSON.stringify(alg)} is not accepted`);
  }

  /**
   * A validly signed token that claims to live for years (`exp` in year 9999, `1e300`), or to
   * be issued in the future, is refused: a leaked one would never stop working.
   */
  #withSaneLifetime(claims: TokenClaims, at: Date = new Date()): TokenClaims {
    const now = at.getTime() / 1000;
    const { exp, iat } = claims;
    const max = this.#maxLifetimeSeconds + CLOCK_TOLERANCE_SECONDS;
    if (typeof exp === 'number' && exp - now > max) {
      throw new errors.JWTClaimValidationFailed(`"exp" is more than ${this.#maxLifetimeSeconds} s away (JWT_MAX_LIFETIME_S)`, claims, 'exp', 'check_failed');
    }
    if (typeof iat === 'number' && iat - now > CLOCK_TOLERANCE_SECONDS) {
      throw new errors.JWTClaimValidationFailed('"iat" is in the future', claims, 'iat', 'check_failed');
    }
    if (typeof iat === 'number' && typeof exp === 'number' && exp - iat > max) {
      throw new errors.JWTClaimValidationFailed(`"exp" - "iat" is over ${this.#maxLifetimeSeconds} s (JWT_MAX_LIFETIME_S)`, claims, 'exp', 'check_failed');
    }
    return claims;
  }
}

/** The reason stays in `cause` for the logs; the caller only ever learns "expired" or "invalid". */
function rejection(error: unknown): AppError {
  const reason = joseCode(error) === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid';
  return new AppError('UNAUTHENTICATED', reason, { cause: error });
}
