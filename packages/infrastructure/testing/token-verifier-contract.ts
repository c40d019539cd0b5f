import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock, TokenVerifier } from '@todo/application';
import { manualClock } from '@todo/application/testing';
import { signWithSecret, verdict } from './tokens.js';

export const CONTRACT_SECRET = 'token-verifier-contract-secret-0123456789';

/** Builds the verifier under test; it must judge time by `clock` and accept HS256 tokens signed with CONTRACT_SECRET. */
export type OpenVerifier = (clock: Clock) => TokenVerifier;

/** What every TokenVerifier promises, whatever sits in front of jose (SPEC §2: `exp` required, 5 s tolerance). */
export function tokenVerifierContract(name: string, open: OpenVerifier): void {
  describe(`TokenVerifier contract: ${name}`, () => {
    const setUp = () => {
      const clock = manualClock(new Date('2026-06-01T12:00:00.000Z'));
      const now = () => Math.floor(clock.now().getTime() / 1000);
      const sign = (claims: Record<string, unknown>) => signWithSecret(CONTRACT_SECRET, { sub: 'alice', iat: now(), ...claims });
      return { clock, now, sign, verifier: open(clock) };
    };

    it('accepts a valid token and answers its claims, the same every time', async () => {
      const { now, sign, verifier } = setUp();
      const token = await sign({ exp: now() + 60, email: 'a@example.com' });
      const first = await verifier.verify(token);
      assert.equal(first['email'], 'a@example.com');
      assert.deepEqual(await verifier.verify(token), first);
    });

    it('accepts a token up to 5 s past exp, and refuses it as expired from then on, cached or not', async () => {
      const { clock, now, sign, verifier } = setUp();
      const token = await sign({ exp: now() + 60 });
      assert.equal(await verdict(verifier, token), 'ok alice');
      clock.advance(60_000 + 4_999);
      assert.equal(await verdict(verifier, token), 'ok alice', 'within the clock tolerance');
      clock.advance(1);
      assert.equal(await verdict(verifier, token), 'UNAUTHENTICATED expired', 'at exp + 5 s');
      assert.equal(await verdict(verifier, token), 'UNAUTHENTICATED expired');
    });

    it('refuses an expired token it accepted before', async () => {
      const { clock, now, sign, verifier } = setUp();
      const token = await sign({ exp: now() + 2 });
      await verifier.verify(token);
      clock.advance(3_600_000);
      assert.equal(await verdict(verifier, token), 'UNAUTHENTICATED expired');
    });

    it('never remembers a refusal: a token not yet valid is accepted once its nbf has come', async () => {
      const { clock, now, sign, verifier } = setUp();
      const token = await sign({ nbf: now() + 30, exp: now() + 600 });
      assert.equal(await verdict(verifier, token), 'UNAUTHENTICATED invalid');
      assert.equal(await verdict(verifier, token), 'UNAUTHENTICATED invalid');
      clock.advance(30_000);
      assert.equal(await verdict(verifier, token), 'ok alice');
    });

    it('refuses a token without exp, with another signature, or altered', async () => {
      const { now, sign, verifier } = setUp();
      assert.equal(await verdict(verifier, await sign({})), 'UNAUTHENTICATED invalid');
      assert.equal(await verdict(verifier, await signWithSecret('another-secret-0123456789-0123456789', { sub: 'x', exp: now() + 60 })), 'UNAUTHENTICATED invalid');
      const good = await sign({ exp: now() + 60 });
      await verifier.verify(good);
      const [header, , signature] = good.split('.');
      const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'mallory', exp: now() + 60 })).toString('base64url')}.${signature}`;
      assert.equal(await verdict(verifier, forged), 'UNAUTHENTICATED invalid');
    });
  });
}
