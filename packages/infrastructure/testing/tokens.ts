import { randomUUID } from 'node:crypto';
import type { TokenVerifier } from '@todo/application';
import { AppError } from '@todo/domain';
import { CompactSign, type CompactJWSHeaderParameters, type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A key pair as an identity provider holds it: the private half signs, the public JWK is published. */
export interface SigningKey {
  readonly alg: string;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function generateSigningKey(alg: string, kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** Signs exactly this header and payload: no claim is added or checked, so tests can send anything. */
export function signToken(header: CompactJWSHeaderParameters, payload: Record<string, unknown>, key: CryptoKey | Uint8Array): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
}

export function signWithKey(key: SigningKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return signToken({ alg: key.alg, kid: key.kid, ...header }, payload, key.privateKey);
}

export function signWithSecret(secret: string, payload: Record<string, unknown>, alg = 'HS256'): Promise<string> {
  return signToken({ alg }, payload, new TextEncoder().encode(secret));
}

/** `alg: none`, no signature. */
export function unsignedToken(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(payload)}.`;
}

export function secondsFromNow(seconds: number): number {
  return Math.floor(Date.now() / 1000) + seconds;
}

/** The claims of a valid token for `sub`, valid one hour, with `extra` merged over them. */
export function claimsFor(sub: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub, iat: secondsFromNow(0), exp: secondsFromNow(3600), ...extra };
}

/** `ok <sub>`, or the AppError's code and message ("UNAUTHENTICATED invalid", "UNAVAILABLE …"); other errors are thrown. */
export async function verdict(verifier: TokenVerifier, token: string): Promise<string> {
  try {
    return `ok ${String((await verifier.verify(token))['sub'])}`;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return `${error.code} ${error.message}`;
  }
}
