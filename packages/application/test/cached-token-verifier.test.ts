import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@todo/domain';
import { CachedTokenVerifier } from '../src/auth/cached-token-verifier.js';
import type { Clock, TokenClaims, TokenVerifier } from '../src/ports.js';
import { manualClock, T0 } from '../testing/fixtures.js';

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Stands in for the jose verifier: tokens are `<sub>.<exp>` (or `bad`), refused as jose
 * refuses them (expired past `exp` + 5 s tolerance, by the clock), and every call is counted.
 */
function fakeVerifier(clock: Clock): TokenVerifier & { calls: number } {
  return {
    calls: 0,
    async verify(token: string): Promise<TokenClaims> {
      this.calls++;
      const [sub, exp] = token.split('.');
      if (sub === 'bad' || exp === undefined) throw new AppError('UNAUTHENTICATED', 'invalid');
      if (seconds(clock.now()) > Number(exp) + 5) throw new AppError('UNAUTHENTICATED', 'expired');
      return { sub, exp: Number(exp) };
    },
  };
}

const refused = (reason: string) => (error: unknown) => error instanceof AppError && error.code === 'UNAUTHENTICATED' && error.message === reason;

describe('CachedTokenVerifier', () => {
  it('verifies a token once while it is valid, and answers the same claims', async () => {
    const clock = manualClock();
    const inner = fakeVerifier(clock);
    const cached = new CachedTokenVerifier(inner, clock);
    const token = `alice.${seconds(T0) + 60}`;
    const first = await cached.verify(token);
    clock.advance(59_000);
    assert.deepEqual(await cached.verify(token), first);
    assert.equal(inner.calls, 1);
  });

  it('refuses a cached token once it has expired', async () => {
    const clock = manualClock();
    const inner = fakeVerifier(clock);
    const cached = new CachedTokenVerifier(inner, clock);
    const token = `alice.${seconds(T0) + 60}`;
    await cached.verify(token);
    clock.advance(60_000 + 6_000); // past exp and the verifier's 5 s tolerance
    await assert.rejects(cached.verify(token), refused('expired'));
    await assert.rejects(cached.verify(token), refused('expired'));
    assert.equal(inner.calls, 3);
    assert.equal(cached.size, 0);
  });

  it('asks the verifier again from exp on, so its clock tolerance still applies', async () => {
    const clock = manualClock();
    const inner = fakeVerifier(clock);
    const cached = new CachedTokenVerifier(inner, clock);
    const token = `alice.${seconds(T0) + 60}`;
    await cached.verify(token);
    clock.advance(61_000); // past exp, within tolerance: the verifier decides, and accepts
    await cached.verify(token);
    assert.equal(inner.calls, 2);
  });

  it('never caches a refusal', async () => {
    const clock = manualClock();
    const inner = fakeVerifier(clock);
    const cached = new CachedTokenVerifier(inner, clock);
    await assert.rejects(cached.verify('bad.1'), refused('invalid'));
    await assert.rejects(cached.verify('bad.1'), refused('invalid'));
    assert.equal(inner.calls, 2);
    assert.equal(cached.size, 0);
  });

  it('keeps at most maxEntries tokens, forgetting the oldest, and skips over-long ones', async () => {
    const clock = manualClock();
    const inner = fakeVerifier(clock);
    const cached = new CachedTokenVerifier(inner, clock, { maxEntries: 2, maxTokenLength: 20 });
    const exp = seconds(T0) + 60;
    for (const user of ['a', 'b', 'c']) await cached.verify(`${user}.${exp}`);
    assert.equal(cached.size, 2);
    await cached.verify(`a.${exp}`); // forgotten: verified again
    assert.equal(inner.calls, 4);
    const long = `${'x'.repeat(30)}.${exp}`;
    await cached.verify(long);
    await cached.verify(long);
    assert.equal(inner.calls, 6);
  });
});
