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
  /** The time `exp` and `nbf` are judged by; the system clock when absent. */
  readonly clock?: Clock | undefined;
}

/** Each key kind verifies only its own algorithms, so a token cannot choose how it is checked. */
const SYMMETRIC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC_ALGORITHMS = ['EdDSA', 'ES256', 'ES512', 'RS256', 'PS256'];
const CLOCK_TOLERANCE_SECONDS = 5;

export class JoseTokenVerifier implements TokenVerifier {
  readonly #secret: Uint8Array;
  readonly #jwks: StaleTolerantJwks | undefined;
  readonly #claims: JWTVerifyOptions;
  readonly #clock: Clock | undefined;

  constructor(options: JoseVerifierOptions) {
    this.#secret = new TextEncoder().encode(options.secret);
    this.#jwks = options.jwks;
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
      const { alg } = decodeProtectedHeader(token);
      if (typeof alg === 'string' && SYMMETRIC_ALGORITHMS.includes(alg)) {
        return (await jwtVerify(token, this.#secret, { ...claims, algorithms: SYMMETRIC_ALGORITHMS })).payload;
      }
      if (typeof alg === 'string' && ASYMMETRIC_ALGORITHMS.includes(alg) && this.#jwks !== undefined) {
        return (await jwtVerify(token, this.#jwks.key, { ...claims, algorithms: ASYMMETRIC_ALGORITHMS })).payload;
      }
      throw new errors.JOSEAlgNotAllowed(`"alg" ${JSON.stringify(alg)} is not accepted`);
    } catch (error) {
      throw error instanceof AppError ? error : rejection(error);
    }
  }
}

/** The reason stays in `cause` for the logs; the caller only ever learns "expired" or "invalid". */
function rejection(error: unknown): AppError {
  const reason = joseCode(error) === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid';
  return new AppError('UNAUTHENTICATED', reason, { cause: error });
}
