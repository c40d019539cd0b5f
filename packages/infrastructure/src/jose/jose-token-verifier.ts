import { AppError } from '@todo/domain';
import type { TokenClaims, TokenVerifier } from '@todo/application';
import { errors, jwtVerify } from 'jose';

export interface JoseVerifierOptions {
  /** Shared secret for HS256/384/512 tokens, used as its UTF-8 bytes. */
  readonly secret: string;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
}

const SYMMETRIC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const CLOCK_TOLERANCE_SECONDS = 5;

export class JoseTokenVerifier implements TokenVerifier {
  readonly #secret: Uint8Array;
  readonly #issuer: string | undefined;
  readonly #audience: string | undefined;

  constructor(options: JoseVerifierOptions) {
    this.#secret = new TextEncoder().encode(options.secret);
    this.#issuer = options.issuer;
    this.#audience = options.audience;
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.#secret, {
        algorithms: SYMMETRIC_ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        ...(this.#issuer !== undefined && { issuer: this.#issuer }),
        ...(this.#audience !== undefined && { audience: this.#audience }),
      });
      return payload;
    } catch (error) {
      throw rejection(error);
    }
  }
}

/** The reason stays in `cause` for the logs; the caller only ever learns "expired" or "invalid". */
export function rejection(error: unknown): AppError {
  const reason = error instanceof errors.JWTExpired ? 'expired' : 'invalid';
  return new AppError('UNAUTHENTICATED', reason, { cause: error });
}
