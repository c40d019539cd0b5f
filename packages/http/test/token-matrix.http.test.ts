import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inMemoryStore } from '@todo/application/testing';
import {
  claimsFor, generateSigningKey, type JwksServer, secondsFromNow, type SigningKey, signWithKey, signWithSecret, startJwksServer,
  unsignedToken,
} from '@todo/infrastructure/testing';
import { countingStore, startTestApp, TEST_SECRET, type TestApp } from '../testing/index.js';

const ISSUER = 'http://localhost:3000';
const AUDIENCE = 'http://localhost:3000';
const MISSING = { status: 401, message: 'Missing bearer token', challenge: 'Bearer' } as const;
const INVALID = { status: 401, message: 'Invalid token', challenge: 'Bearer error="invalid_token"' } as const;
const EXPIRED = { status: 401, message: 'Token expired', challenge: 'Bearer error="invalid_token"' } as const;

/** An `Authorization` header value (null: none), and what the API must answer: a 401, or a task owned by `owner`. */
type Row = [name: string, header: () => Promise<string | null>, expected: typeof MISSING | typeof INVALID | typeof EXPIRED | { owner: string }];

describe('bearer tokens through the real app (PostgREST-style matrix)', () => {
  let key: SigningKey;
  let jwks: JwksServer;
  let api: TestApp;
  const counted = countingStore(inMemoryStore());

  before(async () => {
    key = await generateSigningKey('EdDSA');
    jwks = await startJwksServer([key.publicJwk]);
    api = await startTestApp({
      store: counted.store,
      verifierConfig: { secret: TEST_SECRET, jwksUrl: jwks.url, jwksMaxStaleSeconds: 3600, jwtIssuer: ISSUER, jwtAudience: AUDIENCE },
    });
  });
  after(async () => {
    await api.close();
    await jwks.stop();
  });

  const good = (sub: unknown, extra: Record<string, unknown> = {}) => ({ ...claimsFor('ignored'), sub, iss: ISSUER, aud: AUDIENCE, ...extra });
  const withoutSub = (extra: Record<string, unknown>) => {
    const { sub: _, ...claims } = good('x');
    return { ...claims, ...extra };
  };
  const hs = (claims: Record<string, unknown>, alg = 'HS256') => signWithSecret(TEST_SECRET, claims, alg);
  const ed = (claims: Record<string, unknown>) => signWithKey(key, claims);
  const bearer = (token: () => Promise<string> | string) => async () => `Bearer ${await token()}`;

  const rows: Row[] = [
    ['no Authorization header', async () => null, MISSING],
    ['Basic scheme', async () => 'Basic dXNlcjpwYXNzd29yZA==', MISSING],
    ['Bearer with an empty token', async () => 'Bearer ', INVALID],
    ['Bearer with only spaces', async () => 'Bearer    ', INVALID],
    ['lowercase bearer', async () => `bearer ${await hs(good('lower'))}`, { owner: 'lower' }],
    ['uppercase BEARER', async () => `BEARER ${await hs(good('upper'))}`, { owner: 'upper' }],
    ['the token without a scheme', async () => hs(good('x')), MISSING],
    ['2 parts', bearer(async () => (await hs(good('x'))).split('.').slice(0, 2).join('.')), INVALID],
    ['4 parts', bearer(async () => `${await hs(good('x'))}.e30`), INVALID],
    ['garbage', bearer(() => 'not-a-jwt-at-all'), INVALID],
    ['base64 garbage in 3 parts', bearer(() => 'eyJhbGciOi.eyJzdWIiOi.c2ln'), INVALID],
    ['alg none', bearer(() => unsignedToken(good('none'))), INVALID],
    ['HS256 keyed with the JWKS public key (alg confusion)', bearer(() => signWithSecret(JSON.stringify(key.publicJwk), good('m'))), INVALID],
    ['HS256 with a wrong secret', bearer(() => signWithSecret('wrong-secret-wrong-secret-wrong-secret', good('m'))), INVALID],
    ['EdDSA with a tampered payload', bearer(async () => {
      const [header, , signature] = (await ed(good('victim'))).split('.');
      return `${header}.${Buffer.from(JSON.stringify(good('mallory'))).toString('base64url')}.${signature}`;
    }), INVALID],
    ['expired', bearer(() => hs(good('x', { exp: secondsFromNow(-60) }))), EXPIRED],
    ['nbf in the future', bearer(() => hs(good('x', { nbf: secondsFromNow(120) }))), INVALID],
    ['no exp', bearer(() => hs(good('x', { exp: undefined }))), INVALID],
    ['exp in year 9999', bearer(() => hs(good('x', { exp: Date.UTC(9999, 0, 1) / 1000 }))), INVALID],
    ['exp 1e300', bearer(() => ed(good('x', { exp: 1e300 }))), INVALID],
    ['valid for more than JWT_MAX_LIFETIME_S (a day)', bearer(() => hs(good('x', { exp: secondsFromNow(86_400 + 60) }))), INVALID],
    ['iat in the future', bearer(() => hs(good('x', { iat: secondsFromNow(600) }))), INVALID],
    ['exp as a string', bearer(() => hs(good('x', { exp: String(secondsFromNow(3600)) }))), INVALID],
    ['wrong iss', bearer(() => hs(good('x', { iss: 'https://evil.example' }))), INVALID],
    ['wrong aud', bearer(() => hs(good('x', { aud: 'someone-else' }))), INVALID],
    ['no iss while one is configured', bearer(() => hs(good('x', { iss: undefined }))), INVALID],
    ['sub missing, no fallback', bearer(() => hs(withoutSub({}))), INVALID],
    ['sub empty', bearer(() => hs(good(''))), INVALID],
    ['sub a number', bearer(() => hs(good(42))), INVALID],
    ['sub null, user_id present', bearer(() => hs(good(null, { user_id: 'fallback' }))), INVALID],
    ['sub empty, user_id present (not skipped over)', bearer(() => hs(good('', { user_id: 'fallback' }))), INVALID],
    ['sub 256 characters', bearer(() => hs(good('a'.repeat(256)))), INVALID],
    ['sub with a newline', bearer(() => hs(good('alice\nbob'))), INVALID],
    ['sub with a C1 control character', bearer(() => hs(good('alice\u0085'))), INVALID],
    ['sub with U+0000', bearer(() => hs(good('alice\u0000'))), INVALID],
    ['sub 255 characters', bearer(() => hs(good('b'.repeat(255)))), { owner: 'b'.repeat(255) }],
    ['user_id when sub is absent', bearer(() => hs(withoutSub({ user_id: 'by-user-id', id: 'not-this' }))), { owner: 'by-user-id' }],
    ['id when sub and user_id are absent', bearer(() => hs(withoutSub({ id: 'by-id' }))), { owner: 'by-id' }],
    ['user_id a number, id present', bearer(() => hs(withoutSub({ user_id: 7, id: 'by-id' }))), INVALID],
    ['HS384', bearer(() => hs(good('hs384'), 'HS384')), { owner: 'hs384' }],
    ['HS512', bearer(() => hs(good('hs512'), 'HS512')), { owner: 'hs512' }],
    ['EdDSA from the JWKS', bearer(() => ed(good('eddsa'))), { owner: 'eddsa' }],
    ['EdDSA with a kid the JWKS lacks', bearer(() => signWithKey({ ...key, kid: 'unknown' }, good('x'))), INVALID],
    ['an 8 KB garbage token', bearer(() => 'x'.repeat(8 * 1024)), INVALID],
  ];

  for (const [name, header, expected] of rows) {
    it(name, async () => {
      const value = await header();
      const headers: Record<string, string> = value === null ? {} : { Authorization: value };
      if ('owner' in expected) {
        const created = await api.request('/api/tasks', { method: 'POST', headers, json: { title: name } });
        assert.equal(created.status, 201);
        assert.equal(((await created.json()) as { data: { user_id: string } }).data.user_id, expected.owner);
        return;
      }
      const callsBefore = counted.calls.length;
      for (const [method, json] of [['GET', undefined], ['POST', { title: 'never stored' }]] as const) {
        const response = await api.request('/api/tasks', { method, headers, ...(json !== undefined && { json }) });
        assert.equal(response.status, expected.status, method);
        assert.equal(response.headers.get('WWW-Authenticate'), expected.challenge);
        assert.deepEqual(await response.json(), { error: { code: 'UNAUTHENTICATED', message: expected.message } });
      }
      assert.deepEqual(counted.calls.slice(callsBefore), [], 'a rejected token costs no database query');
    });
  }

  it('answers a 16 KB Authorization header without a 500 (Node itself says 431)', async () => {
    const response = await api.request('/api/tasks', { headers: { Authorization: `Bearer ${'x'.repeat(16 * 1024)}` } });
    assert.ok([401, 431].includes(response.status), `status ${response.status}`);
  });

  it('logs the reason of a rejection at warn, and never the token', async () => {
    const token = await hs(good('x', { exp: secondsFromNow(-60) }));
    const response = await api.request('/api/tasks', { headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': 'expired-token-1' } });
    assert.equal(response.status, 401);
    const line = api.logs.find((entry) => entry['request_id'] === 'expired-token-1');
    assert.equal(line?.['level'], 40);
    assert.equal(line?.['event'], 'token_rejected');
    assert.match(String(line?.['reason']), /^expired: .*exp/);
    const signature = token.split('.')[2]!;
    assert.ok(!JSON.stringify(api.logs).includes(signature), 'no token in the logs');
  });

  it('upserts a user once per set of claims: the same token again costs no user query', async () => {
    const first = await hs(good('sync', { email: 'sync@example.com', name: 'Sync' }));
    const renamed = await hs(good('sync', { email: 'sync@example.com', name: 'Synced' }));
    const upserts = () => counted.calls.filter((call) => call === 'users.upsert').length;
    // A user with tasks: an empty list re-checks the user row (it may have been deleted meanwhile).
    await api.request('/api/tasks', { method: 'POST', headers: { Authorization: `Bearer ${first}` }, json: { title: 'one' } });
    const before = upserts();
    for (const token of [first, first, renamed, renamed]) {
      assert.equal((await api.request('/api/tasks', { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    }
    assert.equal(upserts() - before, 1, 'only the renamed claims cost an upsert');
    assert.deepEqual(await counted.store.users.find('sync'), { id: 'sync', email: 'sync@example.com', name: 'Synced' });
  });

  it('an empty list of a user whose row is there reads it and writes nothing; a row deleted meanwhile is written again', async () => {
    const token = await hs(good('empty', { email: 'empty@example.com', name: 'Empty' }));
    const list = async () => assert.equal((await api.request('/api/tasks', { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    await list();
    const from = counted.calls.length;
    await list();
    await list();
    assert.deepEqual(counted.calls.slice(from).filter((call) => call.startsWith('users.')), ['users.find', 'users.find']);
    assert.equal(await counted.store.users.delete('empty'), true);
    await list();
    assert.deepEqual(await counted.store.users.find('empty'), { id: 'empty', email: 'empty@example.com', name: 'Empty' });
  });
});

describe('a JWKS that cannot be reached', () => {
  let api: TestApp;
  let key: SigningKey;
  before(async () => {
    key = await generateSigningKey('ES256');
    const jwks = await startJwksServer([key.publicJwk]);
    await jwks.stop();
    api = await startTestApp({ verifierConfig: { secret: TEST_SECRET, jwksUrl: jwks.url, jwksMaxStaleSeconds: 3600, jwtIssuer: undefined, jwtAudience: undefined } });
  });
  after(() => api.close());

  it('answers 503 with Retry-After to a well-formed asymmetric token, while HS tokens still work', async () => {
    const token = await signWithKey(key, claimsFor('es'));
    const response = await api.request('/api/tasks', { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('Retry-After'), '5');
    assert.deepEqual(await response.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: 'Signing keys unavailable' } });
    const logged = api.logs.find((line) => line['status'] === 503);
    assert.equal(logged?.['level'], 50);
    assert.match(String((logged?.['err'] as { message?: unknown } | undefined)?.message), /ECONNREFUSED/, 'the cause is logged');
    assert.equal((await api.request('/api/tasks', { as: 'hs-user' })).status, 200);
  });
});
