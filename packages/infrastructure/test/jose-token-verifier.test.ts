import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, JoseTokenVerifier } from '../src/jose/jose-token-verifier.js';
import { StaleTolerantJwks } from '../src/jose/stale-tolerant-jwks.js';
import {
  claimsFor, generateSigningKey, type JwksServer, secondsFromNow, type SigningKey, signToken, signWithKey, signWithSecret, startJwksServer,
  unsignedToken, verdict,
} from '../testing/index.js';

const SECRET = 'verifier-test-secret-0123456789-0123456789';
const ACCEPTED_ASYMMETRIC = ['EdDSA', 'ES256', 'ES512', 'RS256', 'PS256'];

describe('JoseTokenVerifier', () => {
  let jwks: JwksServer;
  const keys = new Map<string, SigningKey>();
  const verifierFor = (options: { issuer?: string; audience?: string; maxLifetimeSeconds?: number } = {}) =>
    new JoseTokenVerifier({ secret: SECRET, jwks: new StaleTolerantJwks({ url: jwks.url, maxStaleSeconds: 3600 }), ...options });

  before(async () => {
    for (const alg of [...ACCEPTED_ASYMMETRIC, 'RS512', 'ES384']) keys.set(alg, await generateSigningKey(alg));
    // A symmetric key published in the JWKS must never verify anything.
    const oct = { kty: 'oct', k: Buffer.from('published-oct-key').toString('base64url'), kid: 'oct', alg: 'HS256' };
    jwks = await startJwksServer([...[...keys.values()].map((k) => k.publicJwk), oct]);
  });
  after(() => jwks.stop());

  for (const alg of ACCEPTED_ASYMMETRIC) {
    it(`accepts ${alg} from the JWKS`, async () => {
      const token = await signWithKey(keys.get(alg)!, claimsFor('u-' + alg));
      assert.equal(await verdict(verifierFor(), token), `ok u-${alg}`);
    });
  }

  for (const alg of ['RS512', 'ES384']) {
    it(`refuses ${alg}, not on the list, even with its key in the JWKS`, async () => {
      assert.equal(await verdict(verifierFor(), await signWithKey(keys.get(alg)!, claimsFor('x'))), 'UNAUTHENTICATED invalid');
    });
  }

  for (const alg of ['HS256', 'HS384', 'HS512']) {
    it(`accepts ${alg} with the secret, without fetching the JWKS`, async () => {
      const before = jwks.requests;
      assert.equal(await verdict(verifierFor(), await signWithSecret(SECRET, claimsFor('h'), alg)), 'ok h');
      assert.equal(jwks.requests, before);
    });
  }

  it('never uses the secret for an asymmetric alg, nor a JWKS key for an HS alg', async () => {
    const verifier = verifierFor();
    const ed = keys.get('EdDSA')!;
    const bytes = (text: string) => new TextEncoder().encode(text);
    // HS256 keyed with the published public key, the classic alg confusion.
    assert.equal(await verdict(verifier, await signWithSecret(JSON.stringify(ed.publicJwk), claimsFor('m'))), 'UNAUTHENTICATED invalid');
    // HS256 keyed with the oct key the JWKS publishes.
    assert.equal(await verdict(verifier, await signToken({ alg: 'HS256', kid: 'oct' }, claimsFor('m'), bytes('published-oct-key'))), 'UNAUTHENTICATED invalid');
    // HS256 with the secret goes to the secret, whatever kid it names.
    assert.equal(await verdict(verifier, await signToken({ alg: 'HS256', kid: ed.kid }, claimsFor('h'), bytes(SECRET))), 'ok h');
    // An RS256 header on an HMAC made with the secret.
    const [, payload, signature] = (await signWithSecret(SECRET, claimsFor('m'))).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: keys.get('RS256')!.kid })).toString('base64url');
    assert.equal(await verdict(verifier, `${header}.${payload}.${signature}`), 'UNAUTHENTICATED invalid');
  });

  it('refuses alg none and malformed tokens as invalid', async () => {
    const verifier = verifierFor();
    for (const token of [unsignedToken(claimsFor('x')), '', 'garbage', 'a.b', 'a.b.c.d', 'e30.e30.']) {
      assert.equal(await verdict(verifier, token), 'UNAUTHENTICATED invalid', token);
    }
  });

  it('requires exp, tolerates 5 s of clock skew, and says "expired" after that', async () => {
    const verifier = verifierFor();
    const sign = (extra: Record<string, unknown>) => signWithKey(keys.get('ES256')!, { ...claimsFor('c'), ...extra });
    assert.equal(await verdict(verifier, await sign({ exp: undefined })), 'UNAUTHENTICATED invalid');
    assert.equal(await verdict(verifier, await sign({ exp: String(secondsFromNow(60)) })), 'UNAUTHENTICATED invalid');
    assert.equal(await verdict(verifier, await sign({ exp: secondsFromNow(-3) })), 'ok c');
    assert.equal(await verdict(verifier, await sign({ exp: secondsFromNow(-10) })), 'UNAUTHENTICATED expired');
    assert.equal(await verdict(verifier, await sign({ nbf: secondsFromNow(3) })), 'ok c');
    assert.equal(await verdict(verifier, await sign({ nbf: secondsFromNow(60) })), 'UNAUTHENTICATED invalid');
  });

  it('refuses absurd lifetimes: exp more than JWT_MAX_LIFETIME_S away (default a day), iat in the future, exp - iat over the bound', async () => {
    const day = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    assert.equal(day, 86_400);
    const rows: [string, Record<string, unknown>, string][] = [
      ['Better Auth: 15 minutes', { iat: secondsFromNow(0), exp: secondsFromNow(900) }, 'ok l'],
      ['exactly a day', { iat: secondsFromNow(0), exp: secondsFromNow(day) }, 'ok l'],
      ['a day, no iat', { iat: undefined, exp: secondsFromNow(day) }, 'ok l'],
      ['a day and a minute', { iat: secondsFromNow(0), exp: secondsFromNow(day + 60) }, 'UNAUTHENTICATED invalid'],
      ['a day and a minute, no iat', { iat: undefined, exp: secondsFromNow(day + 60) }, 'UNAUTHENTICATED invalid'],
      ['exp in year 9999', { exp: Date.UTC(9999, 11, 31) / 1000 }, 'UNAUTHENTICATED invalid'],
      ['exp 1e300', { exp: 1e300 }, 'UNAUTHENTICATED invalid'],
      ['exp Number.MAX_VALUE', { exp: Number.MAX_VALUE }, 'UNAUTHENTICATED invalid'],
      ['iat a minute in the future', { iat: secondsFromNow(60), exp: secondsFromNow(600) }, 'UNAUTHENTICATED invalid'],
      ['iat 3 s in the future (clock skew)', { iat: secondsFromNow(3), exp: secondsFromNow(600) }, 'ok l'],
      ['issued two days ago for three days', { iat: secondsFromNow(-2 * day), exp: secondsFromNow(day - 60) }, 'UNAUTHENTICATED invalid'],
    ];
    const verifier = verifierFor();
    for (const [name, claims, expected] of rows) {
      for (const token of [await signWithSecret(SECRET, claimsFor('l', claims)), await signWithKey(keys.get('EdDSA')!, claimsFor('l', claims))]) {
        assert.equal(await verdict(verifier, token), expected, name);
      }
    }
    const hour = verifierFor({ maxLifetimeSeconds: 3600 });
    assert.equal(await verdict(hour, await signWithSecret(SECRET, claimsFor('l', { exp: secondsFromNow(3600) }))), 'ok l');
    assert.equal(await verdict(hour, await signWithSecret(SECRET, claimsFor('l', { exp: secondsFromNow(7200) }))), 'UNAUTHENTICATED invalid');
  });

  it('checks iss and aud only when configured', async () => {
    const token = await signWithKey(keys.get('EdDSA')!, claimsFor('i', { iss: 'https://auth.example', aud: 'tasks' }));
    const bare = await signWithKey(keys.get('EdDSA')!, claimsFor('i'));
    assert.equal(await verdict(verifierFor(), token), 'ok i');
    assert.equal(await verdict(verifierFor(), bare), 'ok i');
    const strict = verifierFor({ issuer: 'https://auth.example', audience: 'tasks' });
    assert.equal(await verdict(strict, token), 'ok i');
    assert.equal(await verdict(strict, bare), 'UNAUTHENTICATED invalid');
    assert.equal(await verdict(verifierFor({ issuer: 'https://other.example' }), token), 'UNAUTHENTICATED invalid');
    assert.equal(await verdict(verifierFor({ audience: 'other' }), token), 'UNAUTHENTICATED invalid');
  });

  it('does not require typ, and keeps the reason in the cause', async () => {
    const verifier = verifierFor();
    assert.equal(await verdict(verifier, await signWithKey(keys.get('EdDSA')!, claimsFor('t'), { typ: 'JWT' })), 'ok t');
    const error = await verifier.verify('garbage').catch((e: unknown) => e);
    assert.ok(error instanceof Error && error.cause instanceof Error, 'a cause is kept');
    assert.doesNotMatch(String(error.message), /garbage/);
  });

  it('refuses asymmetric tokens when no JWKS is configured', async () => {
    const verifier = new JoseTokenVerifier({ secret: SECRET });
    assert.equal(await verdict(verifier, await signWithKey(keys.get('EdDSA')!, claimsFor('x'))), 'UNAUTHENTICATED invalid');
  });
});
