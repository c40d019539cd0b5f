import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { mintDevelopmentToken } from '@todo/infrastructure';
import { createServerDatabase, pgbouncerKind, serverKind, type TestDatabase, throughPgBouncer } from '@todo/infrastructure/testing';
import { startServiceProcess, type ServiceProcess } from '../testing/service-process.js';
import { TEST_SECRET } from '../testing/test-secret.js';

const server = serverKind;
const pooler = pgbouncerKind;
const token = (userId: string) => mintDevelopmentToken(TEST_SECRET, { userId, ttlSeconds: 600 });
const LIMIT = 5; // one token back every 12 s: far longer than the burst below takes

describe('RATE_LIMIT_STORE=postgres across three service processes', { skip: server.skip, timeout: 60_000 }, () => {
  let database: TestDatabase;
  let replicas: ServiceProcess[];
  before(async () => {
    database = await createServerDatabase();
    const env = { BETTER_AUTH_SECRET: TEST_SECRET, RATE_LIMIT_STORE: 'postgres', RATE_LIMIT_PER_MINUTE: String(LIMIT) };
    // Two replicas straight on the server, the third through PgBouncer when there is one.
    const direct = { DATABASE_URL: database.url };
    const third = pooler.skip === false ? { DATABASE_URL: throughPgBouncer(database.url), DB_PREPARE: 'false' } : direct;
    const urls = [direct, direct, third];
    replicas = await Promise.all(urls.map((db) => startServiceProcess({ ...env, ...db }, tmpdir())));
  });
  after(async () => {
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    await database?.stop();
  });

  it(`admits exactly ${LIMIT} of ${3 * LIMIT} requests spread over the replicas at once`, async () => {
    const bearer = await token('limited-everywhere');
    const requests = Array.from({ length: 3 * LIMIT }, (_, i) =>
      fetch(`${replicas[i % 3]!.url}/api/tasks`, { headers: { Authorization: `Bearer ${bearer}` } }));
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, LIMIT, statuses.join(' '));
    assert.equal(statuses.filter((s) => s === 429).length, 2 * LIMIT, statuses.join(' '));
    // Every replica refuses the next one too, and another user still has a full allowance.
    for (const replica of replicas) {
      assert.equal((await fetch(`${replica.url}/api/tasks`, { headers: { Authorization: `Bearer ${bearer}` } })).status, 429);
    }
    const other = await token('someone-else');
    const fresh = await fetch(`${replicas[1]!.url}/api/tasks`, { headers: { Authorization: `Bearer ${other}` } });
    assert.equal(fresh.status, 200);
    assert.equal(fresh.headers.get('RateLimit-Limit'), String(LIMIT));
    assert.equal(fresh.headers.get('RateLimit-Remaining'), String(LIMIT - 1));
  });
});
