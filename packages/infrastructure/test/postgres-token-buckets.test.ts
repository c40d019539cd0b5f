import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresTokenBuckets } from '../src/postgres/postgres-token-buckets.js';
import { databaseKinds, openPostgresTestStore, type PostgresTestStore } from '../testing/index.js';

for (const kind of databaseKinds) {
  describe(`shared token buckets (RATE_LIMIT_STORE=postgres) on ${kind.name}`, { skip: kind.skip }, () => {
    let db: PostgresTestStore;
    before(async () => {
      db = await openPostgresTestStore(kind);
    });
    after(() => db?.stop());

    /** Moves a bucket's last take back in time, as if that many seconds had passed. */
    const age = (key: string, seconds: number) =>
      db.sql`update rate_limit_buckets set at = at - make_interval(secs => ${seconds}) where key = ${key}`;

    it('admits the capacity at once, then refuses, leaving the fraction it has', async () => {
      const buckets = new PostgresTokenBuckets(db.sql, 3);
      const verdicts = [];
      for (let i = 0; i < 5; i++) verdicts.push(await buckets.take('user:burst'));
      assert.deepEqual(verdicts.map((v) => v.allowed), [true, true, true, false, false]);
      assert.equal(verdicts[0]!.tokens, 2);
      assert.ok(verdicts[4]!.tokens >= 0 && verdicts[4]!.tokens < 1);
    });

    it('refills at the capacity per minute, by the database clock, up to the capacity', async () => {
      const buckets = new PostgresTokenBuckets(db.sql, 6); // one token every 10 s
      for (let i = 0; i < 6; i++) assert.equal((await buckets.take('user:refill')).allowed, true);
      assert.equal((await buckets.take('user:refill')).allowed, false);
      await age('user:refill', 30); // three tokens back
      const after30s = await buckets.take('user:refill');
      assert.equal(after30s.allowed, true);
      // Real time passes too (0.1 token per second): allow a few seconds of a slow machine.
      assert.ok(after30s.tokens >= 2 && after30s.tokens < 2.5, String(after30s.tokens));
      await age('user:refill', 3600);
      assert.equal((await buckets.take('user:refill')).tokens, 5);
    });

    it('keeps keys apart', async () => {
      const buckets = new PostgresTokenBuckets(db.sql, 1);
      assert.equal((await buckets.take('user:a')).allowed, true);
      assert.equal((await buckets.take('user:a')).allowed, false);
      assert.equal((await buckets.take('ip:127.0.0.1')).allowed, true);
      assert.equal((await buckets.take("user:a'; --")).allowed, true);
    });

    it('admits exactly the capacity among many concurrent takes', async () => {
      const buckets = new PostgresTokenBuckets(db.sql, 7);
      const verdicts = await Promise.all(Array.from({ length: 40 }, () => buckets.take('user:race')));
      assert.equal(verdicts.filter((v) => v.allowed).length, 7);
    });

    it('sweeps only the buckets that are full again (untouched for a minute)', async () => {
      const buckets = new PostgresTokenBuckets(db.sql, 5);
      await buckets.take('user:old');
      await buckets.take('user:recent');
      await age('user:old', 61);
      await age('user:recent', 59);
      assert.equal(await buckets.sweep(), 1);
      const left = await db.sql<{ key: string }[]>`select key from rate_limit_buckets where key in ('user:old', 'user:recent')`;
      assert.deepEqual(left.map((r) => r.key), ['user:recent']);
    });
  });
}
