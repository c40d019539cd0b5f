import { SignJWT } from 'jose';

export interface DevelopmentTokenRequest {
  readonly userId: string;
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  readonly ttlSeconds: number;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
}

/** An HS256 token signed with the shared secret, shaped like Better Auth's (no `typ`), for curl and tests. */
export function mintDevelopmentToken(secret: string, request: DevelopmentTokenRequest): Promise<string> {
  const jwt = new SignJWT({
    ...(request.email !== undefined && { email: request.email }),
    ...(request.name !== undefined && { name: request.name }),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(request.userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + request.ttlSeconds);
  if (request.issuer !== undefined) jwt.setIssuer(request.issuer);
  if (request.audience !== undefined) jwt.setAudience(request.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
