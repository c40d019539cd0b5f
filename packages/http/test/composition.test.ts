import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inMemoryStore } from '@todo/application/testing';
import { JoseTokenVerifier, mintDevelopmentToken } from '@todo/infrastructure';
import { createServerDatabase, serverUrl } from '@todo/infrastructure/testing';
import { openApplication } from '../src/composition.js';
import { newContainer, PORTS } from '../src/container.js';
import { TEST_SECRET } from '../testing/index.js';

const verifier = new JoseTokenVerifier({ secret: TEST_SECRET });
const settings = { dbPoolMax: 2, dbPrepare: true, dbTimeoutMs: 5000 };
/** Every migration file shipped, in order: a fresh database gets them all. */
const MIGRATIONS = (await readdir(new URL('../../../infrastructure/migrations/', import.meta.url))).filter((f) => f.endsWith('.sql')).sort();

describe('one composition', () => {
  it('migrates once and says what it applied; closing through the container releases the database', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'core-composition-'));
    const server = serverUrl ? await createServerDatabase() : null;
    t.after(async () => {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    });
    const database = { databaseUrl: server?.url ?? null, dataDir: join(dir, 'data'), ...settings };

    const first = await openApplication({ store: { database }, verifier });
    try {
      assert.ok(MIGRATIONS.length >= 6, 'the migration files were found');
      // A fresh embedded DATA_DIR is a copy of the migrated snapshot: nothing is left to apply there.
      assert.deepEqual(first.migrations, server === null ? [] : MIGRATIONS);
      assert.equal(await first.isReachable(), true);
      await first.useCases.createTask.execute('alice', { title: 'kept' });
    } finally {
      await first.close(); // also when an assertion fails: an open embedded database would keep the test process alive
    }
    assert.equal(await first.isReachable(), false, 'the pool was ended by the deactivation');

    const second = await openApplication({ store: { database }, verifier });
    try {
      assert.deepEqual(second.migrations, [], 'nothing left to apply');
      const page = await second.useCases.listTasks.execute('alice', { status: 'all', sort: 'created', order: 'asc', limit: null, after: null });
      assert.deepEqual(page.tasks.map((task) => task.title), ['kept']);
    } finally {
      await second.close();
    }
  });

  it('puts the production token cache in front of the verifier given', async () => {
    let calls = 0;
    const counting = { verify: async (token: string) => ((calls += 1), verifier.verify(token)) };
    const application = await openApplication({ store: { repositories: inMemoryStore() }, verifier: counting });
    const token = await mintDevelopmentToken(TEST_SECRET, { userId: 'u', ttlSeconds: 60 });
    assert.equal(await application.useCases.authenticate.execute(token), 'u');
    assert.equal(await application.useCases.authenticate.execute(token), 'u');
    assert.equal(calls, 1);
    await application.close();
  });

  it('binds by typed identifiers: a wrong binding does not compile', () => {
    const container = newContainer();
    const store = inMemoryStore();
    // @ts-expect-error a UserRepository is not a TaskRepository
    container.bind(PORTS.TaskRepository).toConstantValue(store.users);
    // @ts-expect-error the clock is not a token verifier
    container.bind(PORTS.TokenVerifier).toConstantValue({ now: () => new Date() });
    container.bind(PORTS.UserRepository).toConstantValue(store.users);
    assert.equal(container.get(PORTS.UserRepository), store.users);
  });
});
