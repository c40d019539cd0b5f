import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PurgeExpiredKeys } from '../src/index.js';
import { draft, inMemoryStore, manualClock, T0, T1 } from '../testing/index.js';

describe('PurgeExpiredKeys', () => {
  it('purges expired keys in batches, at most maxBatches of them per run, and leaves live keys', async () => {
    const store = inMemoryStore();
    for (let i = 0; i < 7; i++) await store.tasks.createOnce('u', draft(`t${i}`), T0, { key: `old-${i}`, fingerprint: 'f', expiresAt: T1 });
    await store.tasks.createOnce('u', draft('live'), T0, { key: 'live', fingerprint: 'f', expiresAt: new Date(T1.getTime() + 60_000) });
    const clock = manualClock(T1);
    const purge = new PurgeExpiredKeys(store.tasks, clock);
    assert.equal(await purge.execute(2, 2), 4, 'two batches of two');
    assert.equal(await purge.execute(2, 10), 3, 'stops at the first short batch');
    assert.equal(await purge.execute(2, 10), 0);
    assert.notEqual(await store.tasks.findKept('u', 'live', T1), null);
  });
});
