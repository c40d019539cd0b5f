import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, describe, it } from 'node:test';
import { JoseTokenVerifier } from '../src/jose/jose-token-verifier.js';
import { type JwksOptions, StaleTolerantJwks } from '../src/jose/stale-tolerant-jwks.js';
import { claimsFor, generateSigningKey, type JwksServer, type SigningKey, signWithKey, startJwksServer, verdict } from '../testing/index.js';

const UNAVAILABLE = 'UNAVAILABLE Signing keys unavailable';

describe('StaleTolerantJwks through the verifier', () => {
  let published: SigningKey;
  let rotated: SigningKey;
  let unpublished: SigningKey;
  before(async () => {
    [published, rotated, unpublished] = await Promise.all([generateSigningKey('EdDSA'), generateSigningKey('ES256'), generateSigningKey('EdDSA')]);
  });

  const setUp = async (options: Omit<JwksOptions, 'url' | 'maxStaleSeconds'> & { maxStaleSeconds?: number } = {}) => {
    const server = await startJwksServer([published.publicJwk]);
    const jwks = new StaleTolerantJwks({ url: server.url, maxStaleSeconds: 3600, ...options });
    const verifier = new JoseTokenVerifier({ secret: 'unused-secret-unused-secret-unused', jwks });
    const check = async (key: SigningKey) => verdict(verifier, await signWithKey(key, claimsFor('u')));
    return { server, check, [Symbol.asyncDispose]: () => server.stop() };
  };

  it('fetches lazily, once, and answers from the cache after that', async () => {
    await using t = await setUp();
    assert.equal(t.server.requests, 0);
    assert.equal(await t.check(published), 'ok u');
    assert.equal(await t.check(published), 'ok u');
    assert.equal(t.server.requests, 1);
  });

  it('refetches for an unknown kid at most once per cooldown (30 s by default)', async () => {
    await using t = await setUp();
    assert.equal(await t.check(published), 'ok u');
    t.server.keys = [published.publicJwk, rotated.publicJwk];
    assert.equal(await t.check(rotated), 'UNAUTHENTICATED invalid');
    assert.equal(await t.check(rotated), 'UNAUTHENTICATED invalid');
    assert.equal(t.server.requests, 1);
  });

  it('picks up a rotated key once the cooldown is over; a kid absent from a fetched set is invalid', async () => {
    await using t = await setUp({ cooldownMs: 0 });
    assert.equal(await t.check(published), 'ok u');
    t.server.keys = [rotated.publicJwk];
    assert.equal(await t.check(rotated), 'ok u');
    assert.equal(t.server.requests, 2);
    assert.equal(await t.check(unpublished), 'UNAUTHENTICATED invalid');
    assert.equal(t.server.requests, 3);
  });

  for (const failure of ['refused', '500', 'garbage'] as const) {
    it(`answers UNAVAILABLE when the first fetch fails (${failure})`, async () => {
      await using t = await setUp();
      if (failure === 'refused') await t.server.stop();
      else t.server.behaviour = failure;
      assert.equal(await t.check(published), UNAVAILABLE);
    });
  }

  it('gives up on a hanging endpoint after the timeout, then leaves it alone for the retry delay', async () => {
    await using t = await setUp({ timeoutMs: 200 });
    t.server.behaviour = 'hang';
    const started = performance.now();
    assert.equal(await t.check(published), UNAVAILABLE);
    const waited = performance.now() - started;
    assert.ok(waited >= 190 && waited < 1500, `waited ${waited} ms`);
    const again = performance.now();
    assert.equal(await t.check(published), UNAVAILABLE);
    // No second fetch, so no second wait: relative to the first, as a loaded machine slows both.
    assert.equal(t.server.requests, 1);
    assert.ok(performance.now() - again < waited / 2, 'no second wait');
  });

  it('keeps verifying with keys fetched before while the endpoint fails; a kid it lacks is UNAVAILABLE, not invalid', async () => {
    await using t = await setUp({ cacheMaxAgeMs: 0, retryAfterFailureMs: 0 });
    assert.equal(await t.check(published), 'ok u');
    t.server.behaviour = '500';
    assert.equal(await t.check(published), 'ok u');
    assert.equal(t.server.requests, 2, 'it did try the endpoint');
    assert.equal(await t.check(rotated), UNAVAILABLE);
    await t.server.stop();
    assert.equal(await t.check(published), 'ok u');
    assert.equal(await t.check(rotated), UNAVAILABLE);
  });

  it('stops using stale keys JWKS_MAX_STALE_S after their fetch', async () => {
    await using t = await setUp({ cacheMaxAgeMs: 0, retryAfterFailureMs: 0, maxStaleSeconds: 1 });
    assert.equal(await t.check(published), 'ok u');
    await t.server.stop();
    assert.equal(await t.check(published), 'ok u');
    await sleep(1100);
    assert.equal(await t.check(published), UNAVAILABLE);
  });

  it('tells its observer of every fetch (ok or failed) and every use of a stale key', async () => {
    const seen: string[] = [];
    const observer = { fetched: (ok: boolean) => seen.push(ok ? 'fetch ok' : 'fetch failed'), staleKeyUsed: () => seen.push('stale key') };
    await using t = await setUp({ cacheMaxAgeMs: 0, retryAfterFailureMs: 0, observer });
    assert.equal(await t.check(published), 'ok u');
    t.server.behaviour = 'garbage';
    assert.equal(await t.check(published), 'ok u');
    t.server.behaviour = '500';
    assert.equal(await t.check(published), 'ok u');
    await t.server.stop();
    assert.equal(await t.check(rotated), UNAVAILABLE);
    assert.deepEqual(seen, ['fetch ok', 'fetch failed', 'stale key', 'fetch failed', 'stale key', 'fetch failed']);
  });

  it('recovers when the endpoint comes back, after the retry delay', async () => {
    await using t = await setUp({ retryAfterFailureMs: 150 });
    t.server.behaviour = '500';
    assert.equal(await t.check(published), UNAVAILABLE);
    t.server.behaviour = 'serve';
    assert.equal(await t.check(published), UNAVAILABLE);
    assert.equal(t.server.requests, 1, 'not retried within the delay');
    await sleep(200);
    assert.equal(await t.check(published), 'ok u');
    assert.equal(t.server.requests, 2);
  });
});
