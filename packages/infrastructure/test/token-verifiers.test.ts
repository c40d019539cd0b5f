import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock, TokenClaims, TokenVerifier } from '@todo/application';
import { manualClock } from '@todo/application/testing';
import { CachedTokenVerifier } from '../src/cache/cached-token-verifier.js';
import { JoseTokenVerifier } from '../src/jose/jose-token-verifier.js';
import { CONTRACT_SECRET, signWithSecret, tokenVerifierContract } from '../testing/index.js';

const jose = (clock: Clock) => new JoseTokenVerifier({ secret: CONTRACT_SECRET, clock });

tokenVerifierContract('jose', jose);
tokenVerifierContract('lru-cache in front of jose', (clock) => new CachedTokenVerifier(jose(clock), clock));

/** The real jose verifier, its calls counted (not a fake: it decides). */
function counted(inner: TokenVerifier): TokenVerifier & { calls: number } {
  return {
    calls: 0,
    verify(token: string): Promise<TokenClaims> {
      this.calls++;
      return inner.verify(token);
    },
  };
}

describe('CachedTokenVerifier', () => {
  const setUp = (limits?: { maxEntries: number; maxTokenLength: number }) => {
    const clock = manualClock(new Date('2026-06-01T12:00:00.000Z'));
    const inner = counted(jose(clock));
    const exp = Math.floor(clock.now().getTime() / 1000) + 60;
    const token = (sub: string) => signWithSecret(CONTRACT_SECRET, { sub, exp });
    return { clock, inner, token, cached: new CachedTokenVerifier(inner, clock, limits) };
  };

  it('verifies a token once while it is valid; from exp on, the verifier decides again', async () => {
    const { clock, inner, token, cached } = setUp();
    const alice = await token('alice');
    await cached.verify(alice);
    clock.advance(59_000);
    await cached.verify(alice);
    assert.equal(inner.calls, 1);
    clock.advance(1_000);
    await cached.verify(alice);
    assert.equal(inner.calls, 2, 'at exp: asked again, so the clock tolerance is jose\'s alone');
    assert.equal(cached.size, 0, 'accepted within the tolerance, but not kept');
  });

  it('never keeps a refusal', async () => {
    const { inner, cached } = setUp();
    for (let i = 0; i < 2; i++) await assert.rejects(cached.verify('not.a.token'));
    assert.equal(inner.calls, 2);
    assert.equal(cached.size, 0);
  });

  it('keeps at most maxEntries tokens, forgetting the least recently used, and skips over-long ones', async () => {
    const { inner, token, cached } = setUp({ maxEntries: 2, maxTokenLength: 200 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(token));
    await cached.verify(a!);
    await cached.verify(b!);
    await cached.verify(a!); // a is now the most recently used
    await cached.verify(c!); // b goes
    assert.equal(cached.size, 2);
    assert.equal(inner.calls, 3);
    await cached.verify(a!);
    assert.equal(inner.calls, 3, 'a hot token stays');
    await cached.verify(b!);
    assert.equal(inner.calls, 4, 'b was forgotten');
    const long = await signWithSecret(CONTRACT_SECRET, { sub: 'x'.repeat(300), exp: Math.floor(Date.parse('2026-06-01T12:01:00Z') / 1000) });
    await cached.verify(long);
    await cached.verify(long);
    assert.equal(inner.calls, 6);
  });
});
