import { after, before } from 'node:test';
import { type DatabaseKind, openPostgresTestStore, type PostgresTestStore } from '@todo/infrastructure/testing';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.js';

/**
 * Registers, in the calling `describe`, the real app on a fresh migrated database of `kind`:
 * opened before its tests, closed after them. Read `api` and `db` inside the tests.
 */
export function appOnDatabase(kind: DatabaseKind, options: Omit<TestAppOptions, 'store'> = {}): { readonly api: TestApp; readonly db: PostgresTestStore } {
  let db: PostgresTestStore | undefined;
  let api: TestApp | undefined;
  before(async () => {
    db = await openPostgresTestStore(kind);
    api = await startTestApp({ ...options, store: db.store });
  });
  after(async () => {
    await api?.close();
    await db?.stop();
  });
  return {
    get api() {
      return api!;
    },
    get db() {
      return db!;
    },
  };
}
