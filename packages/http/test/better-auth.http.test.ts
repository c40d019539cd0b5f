import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { JoseTokenVerifier, StaleTolerantJwks } from '@todo/infrastructure';
import { decodeProtectedHeader } from 'jose';
import { type BetterAuthServer, startBetterAuth } from '../testing/better-auth-server.js';
import { startTestApp, TEST_SECRET, type TestApp } from '../testing/index.js';

/** Keys are refetched after this long, so that once Better Auth is down the stale copy is what verifies. */
const CACHE_MAX_AGE_MS = 200;

describe('tokens from a real Better Auth (jwt plugin, EdDSA, JWKS)', () => {
  let auth: BetterAuthServer;
  let api: TestApp;
  before(async () => {
    auth = await startBetterAuth();
    // Production settings except the cooldown (30 s would outlast the restart) and the cache age.
    const jwks = new StaleTolerantJwks({ url: auth.jwksUrl, maxStaleSeconds: 60, cooldownMs: 0, cacheMaxAgeMs: CACHE_MAX_AGE_MS });
    api = await startTestApp({ verifier: new JoseTokenVerifier({ secret: TEST_SECRET, jwks, issuer: auth.url, audience: auth.url }) });
  });
  after(async () => {
    await api.close();
    await auth.stop();
  });

  const call = (token: string, path = '/api/tasks', init: RequestInit & { json?: unknown } = {}) =>
    api.request(path, { ...init, headers: { Authorization: `Bearer ${token}` } });

  it('signs up, gets a token, creates and lists tasks as that user; survives a restart and an outage of Better Auth', async () => {
    const ann = await auth.signUp('ann@example.com', 'Ann');
    const annToken = await auth.token(ann.cookie);
    assert.equal(decodeProtectedHeader(annToken).alg, 'EdDSA');

    const created = await call(annToken, '/api/tasks', { method: 'POST', json: { title: 'from Better Auth' } });
    assert.equal(created.status, 201);
    const task = ((await created.json()) as { data: { id: number; user_id: string } }).data;
    assert.equal(task.user_id, ann.userId);
    const listed = (await (await call(annToken)).json()) as { data: { id: number }[] };
    assert.deepEqual(listed.data.map((t) => t.id), [task.id]);
    assert.deepEqual(await api.store.users.find(ann.userId), { id: ann.userId, email: 'ann@example.com', name: 'Ann' });

    // Signed with the first key, never shown to the API: the token cache cannot know it.
    const cat = await auth.signUp('cat@example.com', 'Cat');
    const catToken = await auth.token(cat.cookie);

    await auth.restart();
    const bob = await auth.signUp('bob@example.com', 'Bob');
    const bobToken = await auth.token(bob.cookie);
    assert.notEqual(decodeProtectedHeader(bobToken).kid, decodeProtectedHeader(annToken).kid, 'a new key after the restart');
    const bobs = await call(bobToken, '/api/tasks', { method: 'POST', json: { title: 'after the restart' } });
    assert.equal(bobs.status, 201, 'the new kid was fetched');
    assert.equal(((await bobs.json()) as { data: { user_id: string } }).data.user_id, bob.userId);
    assert.equal((await call(catToken)).status, 401, 'the old key is gone from the key set fetched');
    assert.equal((await call(annToken)).status, 200, 'a token accepted before stays accepted until its exp (the production cache)');

    await auth.stop();
    await sleep(CACHE_MAX_AGE_MS + 50);
    const stale = await call(bobToken);
    assert.equal(stale.status, 200, 'keys fetched before keep verifying while Better Auth is down');
    assert.equal(((await stale.json()) as { data: unknown[] }).data.length, 1);
    const unknownKid = await call(catToken);
    assert.equal(unknownKid.status, 503);
    assert.equal(unknownKid.headers.get('Retry-After'), '5');
    assert.deepEqual(await unknownKid.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: 'Signing keys unavailable' } });
  });
});
